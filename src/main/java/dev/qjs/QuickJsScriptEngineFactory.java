package dev.qjs;

import java.util.List;
import java.util.Objects;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;
import org.jspecify.annotations.Nullable;

/**
 * The JSR-223 factory for QuickJS engines, found by {@code ScriptEngineManager} under the names
 * {@code quickjs}, {@code js}, {@code JavaScript}, {@code ECMAScript} (and their other cases), the
 * extensions {@code js} and {@code mjs}, and the JavaScript MIME types.
 *
 * <pre>{@code
 * ScriptEngine a = new ScriptEngineManager().getEngineByName("quickjs");
 * ScriptEngine b = new QuickJsScriptEngineFactory().getScriptEngine(); // the same, directly
 * }</pre>
 */
public final class QuickJsScriptEngineFactory implements ScriptEngineFactory {
  static final String QUICKJS_VERSION = "2025-04-26";

  private static final List<String> NAMES =
      List.of("quickjs", "QuickJS", "js", "JS", "JavaScript", "javascript", "ECMAScript", "ecmascript");
  private static final List<String> EXTENSIONS = List.of("js", "mjs");
  private static final List<String> MIME_TYPES =
      List.of("application/javascript", "text/javascript", "application/ecmascript", "text/ecmascript");

  /** Creates the factory; {@code ScriptEngineManager} does this through {@code ServiceLoader}. */
  public QuickJsScriptEngineFactory() {}

  @Override
  public String getEngineName() {
    return "QuickJS";
  }

  @Override
  public String getEngineVersion() {
    return QUICKJS_VERSION;
  }

  @Override
  public List<String> getExtensions() {
    return EXTENSIONS;
  }

  @Override
  public List<String> getMimeTypes() {
    return MIME_TYPES;
  }

  @Override
  public List<String> getNames() {
    return NAMES;
  }

  @Override
  public String getLanguageName() {
    return "ECMAScript";
  }

  @Override
  public String getLanguageVersion() {
    return "ECMAScript 2023";
  }

  /**
   * Answers every key of {@link ScriptEngineFactory#getParameter}. {@code THREADING} is
   * {@code "MULTITHREADED"}: an engine may be shared by threads, which it serializes with one
   * lock, so one thread's changes to globals are seen by the next script on any thread.
   */
  @Override
  public @Nullable Object getParameter(String key) {
    Objects.requireNonNull(key, "key");
    switch (key) {
      case ScriptEngine.ENGINE:
        return getEngineName();
      case ScriptEngine.ENGINE_VERSION:
        return getEngineVersion();
      case ScriptEngine.NAME:
        return NAMES.get(0);
      case ScriptEngine.LANGUAGE:
        return getLanguageName();
      case ScriptEngine.LANGUAGE_VERSION:
        return getLanguageVersion();
      case "THREADING":
        return "MULTITHREADED";
      default:
        return null;
    }
  }

  @Override
  public String getMethodCallSyntax(String obj, String m, String... args) {
    Objects.requireNonNull(obj, "obj");
    Objects.requireNonNull(m, "m");
    return obj + "." + m + "(" + String.join(", ", args) + ")";
  }

  @Override
  public String getOutputStatement(String toDisplay) {
    return "print(" + quote(Objects.requireNonNull(toDisplay, "toDisplay")) + ")";
  }

  @Override
  public String getProgram(String... statements) {
    StringBuilder sb = new StringBuilder();
    for (String s : statements) {
      sb.append(s).append(";\n");
    }
    return sb.toString();
  }

  /**
   * A new, independent engine with its own QuickJS runtime and the default options.
   *
   * @throws IllegalArgumentException when a {@code quickjs.*} system property has a value that
   *     is not one of its kind; it is also logged at WARNING on logger {@code dev.qjs}, because
   *     {@code ScriptEngineManager} swallows it and returns null
   */
  @Override
  public ScriptEngine getScriptEngine() {
    try {
      return new QuickJsScriptEngine(this, QuickJsOptions.defaults());
    } catch (IllegalArgumentException e) {
      System.getLogger("dev.qjs").log(System.Logger.Level.WARNING,
          "no QuickJS engine could be made (ScriptEngineManager returns null for it): {0}",
          e.getMessage());
      throw e;
    }
  }

  /**
   * A new, independent engine with the given options.
   *
   * <pre>{@code
   * QuickJsScriptEngine engine = new QuickJsScriptEngineFactory()
   *     .getScriptEngine(QuickJsOptions.builder().timeLimit(Duration.ofSeconds(1)).build());
   * }</pre>
   *
   * @param options the engine's settings, fixed for its life
   * @return a new engine with its own QuickJS runtime; close it to free its native memory at once
   * @throws IllegalArgumentException when a limit the options leave unset comes from a system
   *     property ({@code quickjs.timeout}, {@code quickjs.memoryLimit},
   *     {@code quickjs.maxStackSize}) that is not a valid value
   */
  public QuickJsScriptEngine getScriptEngine(QuickJsOptions options) {
    return new QuickJsScriptEngine(this, Objects.requireNonNull(options, "options"));
  }

  /** A JavaScript string literal for s. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
