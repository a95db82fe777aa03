package dev.qjs.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.qjs.ModuleLoader;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CommonJS modules see Node's {@code global}, as bundlers give it them: code written for Node
 * reads it (handlebars' {@code lib/index.js} does {@code typeof global !== 'undefined' ? global :
 * window}) and would otherwise fail with "'window' is not defined".
 */
class CommonJsGlobalTest {
  private final QuickJsScriptEngine engine =
      new QuickJsScriptEngineFactory()
          .getScriptEngine(
              QuickJsOptions.builder()
                  .moduleLoader(
                      ModuleLoader.ofMap(
                          Map.of(
                              "node-style.cjs",
                              "var root = typeof global !== 'undefined' ? global : window;\n"
                                  + "root.installed = 'by node-style';\n"
                                  + "module.exports = { same: global === globalThis };",
                              "esm.mjs",
                              "export const seen = typeof global;")))
                  .build());

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void aCommonJsModuleSeesGlobalAsTheGlobalObjectOfItsRealm() throws Exception {
    assertEquals(true, engine.eval("require('./node-style.cjs').same"));
    assertEquals("by node-style", engine.get("installed"), "what it sets on global is a global");
  }

  @Test
  void globalIsNoGlobalVariableOfScriptsOrModules() throws Exception {
    engine.eval("require('./node-style.cjs')");
    assertEquals("undefined", engine.eval("typeof global"));
    assertFalse(engine.getBindings(ScriptContext.ENGINE_SCOPE).containsKey("global"));
    Future<?> esm = (Future<?>) engine.eval("import('./esm.mjs').then(m => m.seen)");
    assertEquals("undefined", esm.get(10, TimeUnit.SECONDS));
  }
}
