package dev.qjs.internal.debug;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The debugger of one engine: what a client may ask of an engine that runs or is paused.
 *
 * <p>Every method may be called from any thread, while the engine runs, waits or is paused. When
 * no listener is attached the engine runs at full speed: no breakpoint, step or pause request has
 * any effect, and {@code debugger;} statements do what they do without a debugger.
 */
public interface EngineDebugger {

  /**
   * The name a client shows for this engine (one protocol thread per engine).
   *
   * @return a short, stable name such as {@code "quickjs-3 (main)"}
   */
  String name();

  /**
   * Starts debugging this engine: from now on breakpoints, steps, pause requests, exception
   * stops and {@code debugger;} statements stop it and call {@code listener}. Replaces an earlier
   * listener.
   *
   * @param listener told of every stop, resume and of the engine's end
   */
  void attach(StopListener listener);

  /**
   * Stops debugging: clears breakpoints and exception stops and, if the engine is paused, resumes
   * it as by {@link Resume#CONTINUE}. Does nothing when not attached.
   */
  void detach();

  /**
   * Whether a listener is attached.
   *
   * @return true between {@link #attach} and {@link #detach} or the engine's end
   */
  boolean isAttached();

  /**
   * Replaces the line breakpoints of one source (a script's {@code FILENAME} or a module's id,
   * exactly as the engine names it in stack traces). A line without code moves to the next line
   * that has code; a source not loaded yet keeps its breakpoints unverified until it loads, and
   * the listener then hears {@link StopListener#breakpointsChanged}.
   *
   * @param source the source's name
   * @param lines the wanted lines (1-based) in the client's order
   * @return one result per wanted line, in the same order
   */
  List<LineBreakpoint> setBreakpoints(String source, List<Integer> lines);

  /**
   * Which thrown values stop the engine.
   *
   * @param all stop at every throw, caught or not
   * @param uncaught stop at a throw no JavaScript handler catches (it would reach Java)
   */
  void setExceptionStops(boolean all, boolean uncaught);

  /**
   * The text of an original source that a source map of this engine carries ({@code
   * sourcesContent}), for a client to show a frame's source that is no file (a bundler's {@code
   * webpack://} name, say).
   *
   * @param source the source's name, as a frame gives it
   * @return the text, or null when no map carries it
   */
  @Nullable String sourceText(String source);

  /**
   * Asks the running engine to stop at its next statement (reason {@link StopReason#PAUSE}); an
   * engine that runs no script stops when it next runs one. Returns at once.
   */
  void requestPause();
}
