package dev.qjs.packages;

import static dev.qjs.packages.PackageScripts.settled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.qjs.JsObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * lodash-es 4.18.1, the ES-module build (about 640 files, each importing others), unmodified
 * from its WebJar, imported by name in modules run through {@code ScriptEngine.eval}.
 */
class LodashEsTest {
  private final ScriptEngine engine = PackageScripts.standardEngine();

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  @Test
  void aModuleImportsNamedFunctionsAndItsNamespaceComesBack() throws Exception {
    engine.put(ScriptEngine.FILENAME, "report.mjs");
    JsObject exports =
        (JsObject)
            engine.eval(
                "import { groupBy, sortBy, kebabCase, uniq } from 'lodash-es';\n"
                    + "export const groups = groupBy([6.1, 4.2, 6.3], Math.floor);\n"
                    + "export const names = sortBy(['Cid', 'ann', 'Bob'], n => n.toLowerCase());\n"
                    + "export const slug = kebabCase('Real Packages, Tested!');\n"
                    + "export const unique = uniq([2, 1, 2, 3, 1]);");
    assertEquals(
        Map.of(
            "groups", Map.of("4", List.of(4.2), "6", List.of(6.1, 6.3)),
            "names", List.of("ann", "Bob", "Cid"),
            "slug", "real-packages-tested",
            "unique", List.of(2, 1, 3)),
        exports.toJava());
  }

  @Test
  void theModuleKeyMakesAnyFileNameAModule() throws Exception {
    engine.put("quickjs.module", Boolean.TRUE);
    JsObject exports =
        (JsObject) engine.eval("import _ from 'lodash-es';\nexport const version = _.VERSION;");
    assertEquals("4.18.1", exports.get("version"), "the default export is the whole library");
  }

  @Test
  void aScriptImportsItDynamically() throws Exception {
    Object padded = settled(engine.eval("import('lodash-es').then(({ padStart }) => padStart('7', 3, '0'))"));
    assertEquals("007", padded);
  }

  @Test
  void topLevelAwaitOnItsDebounceGivesAFutureOfTheNamespace() throws Exception {
    engine.put(ScriptEngine.FILENAME, "debounced.mjs");
    Object result =
        engine.eval(
            "import { debounce } from 'lodash-es';\n"
                + "const seen = [];\n"
                + "const save = debounce(v => seen.push(v), 20);\n"
                + "save('a'); save('b');\n"
                + "await new Promise(done => setTimeout(done, 150));\n"
                + "export const calls = seen.join();");
    CompletableFuture<?> future = assertInstanceOf(CompletableFuture.class, result);
    assertEquals("b", ((JsObject) future.get(20, java.util.concurrent.TimeUnit.SECONDS)).get("calls"));
  }
}
