package dev.qjs.internal.diagnostics;

import dev.qjs.DebuggerStatement;
import dev.qjs.JsStackFrame;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.sourcemap.MapFetcher;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * One engine's diagnostics: what the shim records for it ({@link #traceFlags}: source-mapped
 * stacks, the failing frame's variables in debug mode, the {@code debugger;} handler), the
 * source mapping of a stack when a script first reads it ({@link #mapStack}), and the sources
 * a code frame is cut from. Thread-safe: the engine's calls run under its lock, the settings
 * may change from any thread.
 */
public final class ScriptDiagnostics {
  /** Sources kept for code frames (debug mode), the most recently run. */
  private static final int MAX_SOURCES = 256;
  /** Characters of one source kept for code frames. */
  private static final int MAX_SOURCE_CHARS = 4 << 20;

  private final SourceMapPositions positions = new SourceMapPositions();
  /** The source maps once a script with one was registered; null until then (nothing to map). */
  private volatile @Nullable PositionMapper mapper;
  private volatile @Nullable Consumer<DebuggerStatement> debuggerHandler;
  private final Map<String, String> sources =
      Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_SOURCES;
        }
      });

  /** The QJS_MB_TRACE flags of a call: debug is the call's {@code quickjs.debug} setting. */
  public long traceFlags(boolean debug) {
    return (mapper != null ? QuickJsNative.TRACE_MAPPED : 0)
        | (debug ? QuickJsNative.TRACE_VARIABLES : 0)
        | (debuggerHandler != null ? QuickJsNative.TRACE_DEBUGGER : 0);
  }

  /**
   * A script or module about to run: its source map, if it has one (given, or named by its
   * {@code sourceMappingURL} comment; read when a stack first needs it), maps every stack made
   * from now on. Cheap when there is none: the source's tail is looked at.
   *
   * @param fetcher reads a map by a relative URL of the comment (the module loader, the
   *     script's folder), or finds nothing
   */
  public void registerSource(String file, String source, @Nullable String explicitMapJson, MapFetcher fetcher) {
    if (positions.register(file, source, explicitMapJson, fetcher)) {
      mapper = positions;
    }
  }

  public @Nullable PositionMapper mapper() {
    return mapper;
  }

  public void onDebuggerStatement(@Nullable Consumer<DebuggerStatement> handler) {
    this.debuggerHandler = handler;
  }

  /** Keeps a script's text for code frames (called in debug mode only). */
  public void rememberSource(String file, String text) {
    if (text.length() <= MAX_SOURCE_CHARS) {
      sources.put(file, text);
    }
  }

  /** Drops a kept source: the file now has another text, run outside debug mode. */
  public void forgetSource(String file) {
    if (!sources.isEmpty()) {
      sources.remove(file);
    }
  }

  /** QJS_OP_MAP_STACK: the stack QuickJS wrote, each frame's position mapped when a map says. */
  public String mapStack(String raw, String defs) {
    PositionMapper m = mapper;
    if (m == null) {
      return raw;
    }
    String[] lines = raw.split("\n", -1);
    String[] defLines = defs.split("\n", -1);
    StringBuilder out = new StringBuilder(raw.length() + 64);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty() && i == lines.length - 1) {
        break;
      }
      JsStackFrame f = StackText.parseLine(lines[i]);
      if (f == null) {
        out.append(lines[i]).append('\n');
        continue;
      }
      StackText.append(out, mapped(m, f, i < defLines.length ? defLines[i] : ""));
    }
    return out.toString();
  }

  private static JsStackFrame mapped(PositionMapper m, JsStackFrame f, String def) {
    String file = f.getFileName();
    if (f.isNative() || file == null || f.getLineNumber() < 1) {
      return f;
    }
    String name = f.getFunctionName();
    int colon = def.indexOf(':');
    if (colon > 0) {
      try {
        String original = m.functionName(file, Integer.parseInt(def.substring(0, colon)),
            Integer.parseInt(def.substring(colon + 1)));
        if (original != null) {
          name = original;
        }
      } catch (NumberFormatException e) {
        // not a position: the name stays
      }
    }
    PositionMapper.Original o = m.original(file, f.getLineNumber(), Math.max(f.getColumnNumber(), 1));
    if (o == null) {
      return name.equals(f.getFunctionName()) ? f
          : new JsStackFrame(name, file, f.getLineNumber(), f.getColumnNumber(), JsStackFrame.Kind.SCRIPT);
    }
    return new JsStackFrame(name, o.file(), o.line(), o.column(), JsStackFrame.Kind.SCRIPT);
  }

  /** QJS_OP_DEBUGGER: the stop the handler gets; null when none is registered any more. */
  public @Nullable Consumer<DebuggerStatement> debuggerHandler() {
    return debuggerHandler;
  }

  public DebuggerStatement debuggerStatement(String stack, String defs, String vars, IntFunction<@Nullable Object> hosts) {
    List<JsStackFrame> frames = StackText.parse(mapStack(stack, defs));
    return new DebuggerStatement(frames, variables(vars, hosts), codeFrame(frames));
  }

  /**
   * The variables the shim rendered ("arg|var|closure TAB name TAB value" lines), a Java object
   * (marked \u0001id\u0002) shown by its class; the first of a name wins (an argument over a
   * closure variable it shadows).
   */
  public static Map<String, String> variables(@Nullable String vars, IntFunction<@Nullable Object> hosts) {
    Map<String, String> out = new LinkedHashMap<>();
    if (vars == null) {
      return out;
    }
    for (String line : vars.split("\n")) {
      int t1 = line.indexOf('\t');
      int t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
      if (t2 < 0) {
        continue;
      }
      out.putIfAbsent(line.substring(t1 + 1, t2), javaObjects(line.substring(t2 + 1), hosts));
    }
    return out;
  }

  private static String javaObjects(String value, IntFunction<@Nullable Object> hosts) {
    int start = value.indexOf('\u0001');
    if (start < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (start >= 0) {
      int end = value.indexOf('\u0002', start);
      if (end < 0) {
        break;
      }
      out.append(value, at, start);
      Object o;
      try {
        o = hosts.apply(Integer.parseInt(value.substring(start + 1, end)));
      } catch (NumberFormatException e) {
        o = null;
      }
      out.append('[').append(o == null ? "Java object" : o.getClass().getName()).append(']');
      at = end + 1;
      start = value.indexOf('\u0001', at);
    }
    return out.append(value, at, value.length()).toString();
  }

  /** The code frame of the innermost frame whose source is known (mapped or kept), or null. */
  public @Nullable String codeFrame(List<JsStackFrame> frames) {
    PositionMapper m = mapper;
    for (JsStackFrame f : frames) {
      String file = f.getFileName();
      if (f.isNative() || file == null) {
        continue;
      }
      String text = sources.get(file);
      if (text != null) {
        return CodeFrame.render(text, f.getLineNumber(), f.getColumnNumber());
      }
      return m == null ? null : CodeFrame.render(n -> m.originalLine(file, n), f.getLineNumber(), f.getColumnNumber());
    }
    return null;
  }
}
