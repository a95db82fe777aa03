package dev.qjs;

/**
 * Decides which Java classes scripts may reach by name through {@code Java.type}; the contract
 * Nashorn users know. Without a filter in the options there is no {@code Java} object at all.
 * Whatever the filter says, reflection, class loading, threads, processes, {@code System} and
 * {@code Runtime} stay out of reach.
 *
 * <p>Classes that reach files, the network or threads ({@code java.util.Formatter},
 * {@code java.util.Scanner}, {@code java.util.Timer}, executors, {@code CompletableFuture},
 * {@code java.io.File} and its streams, {@code java.nio.file}, {@code java.net}; the full list is
 * in docs/security.md) are exposed only when the filter names them exactly, not through a
 * pattern. That is tested, not trusted: such a class is exposed when the filter accepts its
 * name and rejects two names no class can have, one beside it in its package
 * ({@code java.util.QuickJsFilterProbe}) and one extending its name
 * ({@code java.util.TimerQuickJsFilterProbe}). {@code Set.of("java.util.Timer")::contains}
 * names {@code Timer} exactly; {@code name -> name.startsWith("java.util.")} does not.
 *
 * <pre>{@code
 * QuickJsOptions options = QuickJsOptions.builder()
 *     .classFilter(name -> name.startsWith("java.time.") || name.equals("java.util.ArrayList"))
 *     .build();
 * ScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(options);
 * engine.eval("const LocalDate = Java.type('java.time.LocalDate'); LocalDate.of(2024, 1, 2).getYear()");
 * }</pre>
 */
@FunctionalInterface
public interface ClassFilter {
  /**
   * Whether scripts may use the class of this name. Asked with the name as the script wrote it
   * and, when that answer is false, with the class's binary name ({@code java.util.Map.Entry},
   * then {@code java.util.Map$Entry}). A public class that is not always blocked is exposed when
   * either answer is true; primitive types ({@code Java.type('int')}) are not asked about.
   *
   * @param className the fully qualified name of the class a script asks for
   * @return true to expose the class, false to refuse it
   */
  boolean exposeToScripts(String className);
}
