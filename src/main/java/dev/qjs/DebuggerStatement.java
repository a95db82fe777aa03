package dev.qjs;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A script reached a {@code debugger;} statement while a handler was registered with
 * {@link QuickJsScriptEngine#onDebuggerStatement}: where it is (the stack, source-mapped when a
 * map exists), the values of the current function's arguments and variables, and the code
 * around the statement when the engine knows the source. The handler runs on the script's
 * thread, inside the call; the script goes on when it returns, and an exception it throws is
 * thrown from the statement.
 *
 * <pre>{@code
 * engine.onDebuggerStatement(stop -> log.info("paused at {} with {}",
 *     stop.getFrames().get(0), stop.getVariables()));
 * engine.eval("function f(order) { debugger; return order.total; }\nf({total: 3});");
 * // paused at at f (<eval>:1:21) with {order={ total: 3 }}
 * }</pre>
 */
public final class DebuggerStatement {
  private final List<JsStackFrame> frames;
  private final Map<String, String> variables;
  private final @Nullable String codeFrame;

  /**
   * A stop.
   *
   * @param frames the stack, innermost first
   * @param variables the current function's arguments, then its variables and the variables
   *     it closes over, each rendered as text
   * @param codeFrame the lines around the statement, or null
   */
  public DebuggerStatement(List<JsStackFrame> frames, Map<String, String> variables, @Nullable String codeFrame) {
    this.frames = List.copyOf(frames);
    this.variables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variables));
    this.codeFrame = codeFrame;
  }

  /**
   * The JavaScript stack at the statement.
   *
   * @return the frames, innermost (the statement's function) first
   */
  public List<JsStackFrame> getFrames() {
    return frames;
  }

  /**
   * The arguments and variables of the function the statement is in, rendered safely: at most
   * two levels deep and a few hundred characters, no getter run, a Java object by its class.
   *
   * @return name to rendered value, arguments first, in declaration order
   */
  public Map<String, String> getVariables() {
    return variables;
  }

  /**
   * The lines around the statement with a caret under it.
   *
   * @return the code frame; null when the engine does not have the source (outside debug mode it
   *     keeps none)
   */
  public @Nullable String getCodeFrame() {
    return codeFrame;
  }
}
