package dev.qjs;

/**
 * Decides which Java classes scripts may reach by name through {@code Java.type}; the contract
 * Nashorn users know. Without a filter in the options there is no {@code Java} object at all.
 * Whatever the filter says, reflection, class loading, threads, processes, {@code System} and
 * {@code Runtime} stay out of reach.
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
  /** True when scripts may use the class of this fully qualified name. */
  boolean exposeToScripts(String className);
}
