package dev.qjs.packages;

import static dev.qjs.packages.PackageScripts.settled;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qjs.JsArray;
import dev.qjs.JsObject;
import java.util.List;
import java.util.Map;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * lodash 4.18.1, unmodified from its WebJar, loaded with {@code require('lodash')} (CommonJS)
 * by an engine from {@code ScriptEngineManager}.
 */
class LodashTest {
  private final ScriptEngine engine = PackageScripts.standardEngine();

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  @Test
  void requireGivesTheWholeLibraryOnce() throws Exception {
    assertEquals("4.18.1", engine.eval("const _ = require('lodash'); _.VERSION"));
    assertEquals(true, engine.eval("require('lodash') === _"), "the module is cached");
    assertEquals(
        List.of("function", false),
        ((JsArray) engine.eval("[typeof require('lodash/debounce'), require('lodash/debounce') === _.debounce]"))
            .toJava(),
        "a deep file is a module of its own");
  }

  @Test
  void chainsGroupAndSumJavaData() throws Exception {
    engine.put(
        "orders",
        List.of(
            Map.of("customer", "ann", "total", 30),
            Map.of("customer", "bob", "total", 5),
            Map.of("customer", "ann", "total", 12),
            Map.of("customer", "cid", "total", 50)));
    Object ranking =
        engine.eval(
            "const _ = require('lodash');\n"
                + "_.chain(orders)\n"
                + "  .groupBy('customer')\n"
                + "  .mapValues(os => _.sumBy(os, 'total'))\n"
                + "  .toPairs()\n"
                + "  .orderBy([1, 0], ['desc', 'asc'])\n"
                + "  .map(([who, sum]) => `${who}=${sum}`)\n"
                + "  .join(', ')\n"
                + "  .value()");
    assertEquals("cid=50, ann=42, bob=5", ranking);
    JsObject byLength =
        (JsObject) engine.eval("_.groupBy(['one', 'two', 'three'], 'length')");
    assertEquals(Map.of("3", List.of("one", "two"), "5", List.of("three")), byLength.toJava());
  }

  @Test
  void templatesCompileWithNewFunctionAndEscape() throws Exception {
    Object html =
        engine.eval(
            "const _ = require('lodash');\n"
                + "const list = _.template('<ul><% _.forEach(items, function (i) { %><li><%- i %></li><% }) %></ul>"
                + " <%= count %> item<%= count === 1 ? \"\" : \"s\" %>');\n"
                + "list({items: ['tea', '<b>cake</b>'], count: 2})");
    assertEquals("<ul><li>tea</li><li>&lt;b&gt;cake&lt;/b&gt;</li></ul> 2 items", html);
    assertEquals(
        "Hello, Ann!",
        engine.eval("_.template('Hello, ${ who }!')({who: 'Ann'})"),
        "ES template delimiters");
  }

  @Test
  void debounceRunsOnceOnTheEnginesTimers() throws Exception {
    Object calls =
        settled(
            engine.eval(
                "const _ = require('lodash');\n"
                    + "const seen = [];\n"
                    + "const save = _.debounce(v => seen.push(v), 20);\n"
                    + "save(1); save(2); save(3);\n"
                    + "new Promise(done => setTimeout(() => done(seen.join()), 150))"));
    assertEquals("3", calls, "only the last call, once, after the wait");
  }
}
