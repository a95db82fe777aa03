package dev.qjs.internal.debug.dap;

import dev.qjs.internal.debug.DebugEvaluationException;
import dev.qjs.internal.debug.DebugFrame;
import dev.qjs.internal.debug.EngineDebugger;
import dev.qjs.internal.debug.LineBreakpoint;
import dev.qjs.internal.debug.PausedEngine;
import dev.qjs.internal.debug.SourceNames;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One client's line breakpoints, by source, and how every engine resolved them: which line each
 * is shown at (the first engine that verified it), which one a stop hit, and whether that hit
 * is shown as a stop (condition, hit count, logpoint). The session's dispatcher thread owns it.
 *
 * <pre>{@code
 * breakpoints.set(source, list, engines);        // a setBreakpoints request
 * ClientBreakpoint bp = breakpoints.at(engine, topFrame);
 * if (bp != null && !breakpoints.stopsAt(bp, paused, console)) paused.resume(Resume.CONTINUE);
 * }</pre>
 */
final class ClientBreakpoints {
  private final Map<String, SourceBreakpoints> bySource = new LinkedHashMap<>();
  /** Per engine, per source: the engine's answer to the last setBreakpoints, in line order. */
  private final Map<EngineDebugger, Map<String, List<LineBreakpoint>>> resolved =
      new IdentityHashMap<>();

  /** The client's breakpoints of one source. */
  private record SourceBreakpoints(String source, List<ClientBreakpoint> list) {
    /** The lines handed to the engines (breakpoints with an error are not). */
    List<Integer> engineLines() {
      List<Integer> lines = new ArrayList<>();
      for (ClientBreakpoint bp : list) {
        if (bp.engineIndex >= 0) {
          lines.add(bp.line);
        }
      }
      return lines;
    }
  }

  /** An engine the client now sees: every source's breakpoints are set in it. */
  void attach(EngineDebugger engine) {
    Map<String, List<LineBreakpoint>> r = resolved.computeIfAbsent(engine, e -> new HashMap<>());
    for (SourceBreakpoints s : bySource.values()) {
      r.put(s.source, engine.setBreakpoints(s.source, s.engineLines()));
    }
  }

  /** An engine the client no longer sees. */
  void forget(EngineDebugger engine) {
    resolved.remove(engine);
  }

  /**
   * Replaces a source's breakpoints in every engine.
   *
   * @param named the source's name or path as the client gave it
   * @param list the client's breakpoints, in its order
   * @return the protocol's {@code Breakpoint}s to answer with, in the same order
   */
  List<Object> set(String named, List<ClientBreakpoint> list) {
    String key = SourceNames.canonical(named);
    int engineIndex = 0;
    for (ClientBreakpoint bp : list) {
      if (bp.error == null) {
        bp.engineIndex = engineIndex++;
      }
    }
    SourceBreakpoints s = new SourceBreakpoints(key, list);
    if (list.isEmpty()) {
      bySource.remove(key);
    } else {
      bySource.put(key, s);
    }
    resolved.forEach((engine, r) -> r.put(key, engine.setBreakpoints(key, s.engineLines())));
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      ClientBreakpoint bp = list.get(i);
      bp.shown = resolution(s, i);
      out.add(bp.json(bp.shown));
    }
    return out;
  }

  /**
   * An engine resolved a source's breakpoints anew (its code loaded).
   *
   * @return the breakpoints whose shown line or verification changed, as the protocol's {@code
   *     Breakpoint}s for {@code breakpoint} events
   */
  List<Map<String, Object>> changed(EngineDebugger engine, String source, List<LineBreakpoint> list) {
    SourceBreakpoints s = bySource.get(source);
    Map<String, List<LineBreakpoint>> r = resolved.get(engine);
    if (s == null || r == null) {
      return List.of();
    }
    r.put(source, List.copyOf(list));
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < s.list.size(); i++) {
      ClientBreakpoint bp = s.list.get(i);
      LineBreakpoint now = resolution(s, i);
      if (!Objects.equals(shownAs(now), shownAs(bp.shown))) {
        bp.shown = now;
        out.add(bp.json(now));
      }
    }
    return out;
  }

  /**
   * The breakpoint a frame stopped at: in the original source it shows, or in the generated code
   * it runs (a breakpoint set in the compiled file itself); null when none of the client's.
   */
  @Nullable ClientBreakpoint at(EngineDebugger engine, DebugFrame f) {
    ClientBreakpoint bp = at(engine, f.source(), f.line());
    return bp != null || !f.mapped() ? bp : at(engine, f.generatedSource(), f.generatedLine());
  }

  private @Nullable ClientBreakpoint at(EngineDebugger engine, String engineName, int line) {
    String source = SourceNames.canonical(engineName);
    SourceBreakpoints s = bySource.get(source);
    Map<String, List<LineBreakpoint>> r = resolved.get(engine);
    List<LineBreakpoint> lines = r == null ? null : r.get(source);
    if (s == null || lines == null) {
      return null;
    }
    for (ClientBreakpoint bp : s.list) {
      if (bp.engineIndex >= 0 && bp.engineIndex < lines.size()
          && lines.get(bp.engineIndex).line() == line) {
        return bp;
      }
    }
    return null;
  }

  /**
   * Whether this hit of a breakpoint is shown to the client as a stop: its condition holds (or
   * failed, which {@code console} is told), its hit count is reached, and it is no logpoint
   * (whose message goes to {@code console}).
   *
   * @param console the Debug Console
   */
  boolean stopsAt(ClientBreakpoint bp, PausedEngine paused, Console console) {
    if (bp.condition != null) {
      try {
        if (!"true".equals(paused.evaluate(0, "!!(" + bp.condition + "\n)").value())) {
          return false;
        }
      } catch (DebugEvaluationException e) {
        console.print("important", "breakpoint condition \"" + bp.condition + "\" failed: "
            + e.getMessage() + "\n");
        return true;
      }
    }
    bp.hits++;
    HitCondition hc = bp.hitCondition;
    if (hc != null && !hc.stopsAt(bp.hits)) {
      return false;
    }
    LogMessage log = bp.logMessage;
    if (log != null) {
      console.print("console", log.format(paused) + "\n");
      return false;
    }
    return true;
  }

  /** Where the session prints for the client: an {@code output} event's category and text. */
  interface Console {
    void print(String category, String text);
  }

  /** How the engines resolved a breakpoint: the first verified line, else the requested one. */
  private @Nullable LineBreakpoint resolution(SourceBreakpoints s, int index) {
    ClientBreakpoint bp = s.list.get(index);
    if (bp.engineIndex < 0) {
      return null;
    }
    LineBreakpoint any = null;
    for (Map<String, List<LineBreakpoint>> r : resolved.values()) {
      List<LineBreakpoint> lines = r.get(s.source);
      if (lines != null && bp.engineIndex < lines.size()) {
        LineBreakpoint lb = lines.get(bp.engineIndex);
        if (lb.verified()) {
          return lb;
        }
        any = lb;
      }
    }
    return any;
  }

  private static List<Object> shownAs(@Nullable LineBreakpoint b) {
    return b == null ? List.of() : List.of(b.verified(), b.line());
  }
}
