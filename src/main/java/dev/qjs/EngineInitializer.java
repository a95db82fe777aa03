package dev.qjs;

import javax.script.ScriptException;

/**
 * Prepares each new engine of a {@link QuickJsEnginePool} before its first lease: evaluates a
 * template library, the application's helpers, settings. It runs on one of the pool's threads,
 * once per engine; what it throws discards that engine.
 *
 * <pre>{@code
 * QuickJsEnginePool pool = QuickJsEnginePool.builder()
 *     .initializer(engine -> {
 *       engine.eval(Files.readString(Path.of("handlebars.js")));
 *       engine.put("config", appConfig);
 *     })
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface EngineInitializer {
  /**
   * Prepares one new engine.
   *
   * @param engine the engine, not yet leased
   * @throws ScriptException when a script fails; the engine is discarded, and a lease waiting for
   *     it fails with this exception as its cause
   */
  void initialize(QuickJsScriptEngine engine) throws ScriptException;
}
