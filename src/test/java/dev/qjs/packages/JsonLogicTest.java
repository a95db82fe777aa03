package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.JsArray;
import dev.qjs.JsException;
import dev.qjs.ModuleLoader;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngineFactory;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * json-logic-js 2.0.5, a rules engine with no WebJar: the build fetches it with the machine's npm
 * ({@code src/test/npm/fetch.sh}) into {@code target/npm/node_modules}, and {@link
 * ModuleLoader#nodeModules} finds it. Without npm these tests fail, saying so. Results are
 * exactly Node 20's.
 */
class JsonLogicTest {
  /** A discount in percent: gold customers, big carts, or a book in the cart. */
  private static final String DISCOUNT =
      """
      { "if": [
          { "and": [ { ">=": [ { "var": "cart.total" }, 100 ] },
                     { "in": [ { "var": "customer.tier" }, [ "gold", "platinum" ] ] } ] }, 20,
          { ">=": [ { "var": "cart.total" }, 100 ] }, 10,
          { "some": [ { "var": "cart.items" }, { "==": [ { "var": "category" }, "books" ] } ] }, 5,
          0 ] }
      """;

  private final ScriptEngine engine =
      new QuickJsScriptEngineFactory()
          .getScriptEngine(
              QuickJsOptions.builder()
                  .moduleLoader(
                      ModuleLoader.nodeModules(PackageScripts.npmProject("json-logic-js"))
                          .orElse(ModuleLoader.webJars(getClass().getClassLoader())))
                  .build());

  @BeforeEach
  void load() throws Exception {
    engine.put("discountRule", DISCOUNT);
    engine.eval(
        "const jsonLogic = require('json-logic-js');\n"
            + "const discount = JSON.parse(discountRule);\n"
            + "function decide(facts) { return jsonLogic.apply(discount, facts); }");
  }

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private static Map<String, Object> facts(String tier, int total, String... categories) {
    return Map.of(
        "customer", Map.of("tier", tier),
        "cart", Map.of("total", total, "items", List.of(categories).stream().map(c -> Map.of("category", c)).toList()));
  }

  @Test
  void aRuleStoredAsJsonDecidesOnLiveJavaFacts() throws Exception {
    Invocable rules = (Invocable) engine;
    assertEquals(20, rules.invokeFunction("decide", facts("gold", 120)));
    assertEquals(10, rules.invokeFunction("decide", facts("silver", 150)));
    assertEquals(5, rules.invokeFunction("decide", facts("silver", 30, "toys", "books")));
    assertEquals(0, rules.invokeFunction("decide", facts("new", 30, "toys")));
    assertEquals(
        List.of("cart.total", "customer.tier", "cart.items", "category"),
        ((JsArray) engine.eval("jsonLogic.uses_data(discount)")).toJava());
  }

  @Test
  void arrayStringAndDefaultOperationsGiveNodesResults() throws Exception {
    assertEquals(List.of("email"), ((JsArray) engine.eval(
        "jsonLogic.apply({ missing: ['name', 'email', 'age'] }, { name: 'Ann', age: 0 })")).toJava());
    assertEquals(List.of("Bx3"), ((JsArray) engine.eval(
        "jsonLogic.apply({ map: [ { filter: [ { var: 'items' }, { '>': [ { var: 'qty' }, 1 ] } ] },"
            + " { cat: [ { var: 'sku' }, 'x', { var: 'qty' } ] } ] },"
            + " { items: [ { sku: 'A', qty: 1 }, { sku: 'B', qty: 3 } ] })")).toJava());
    assertEquals(9.5, engine.eval(
        "jsonLogic.apply({ reduce: [ { var: 'items' },"
            + " { '+': [ { '*': [ { var: 'current.qty' }, { var: 'current.price' } ] }, { var: 'accumulator' } ] }, 0 ] },"
            + " { items: [ { qty: 2, price: 1.25 }, { qty: 1, price: 7 } ] })"));
    assertEquals("anonymous", engine.eval("jsonLogic.apply({ var: ['nickname', 'anonymous'] }, {})"));
    assertEquals("sr223", engine.eval("jsonLogic.apply({ substr: [ { var: 's' }, -5 ] }, { s: 'quickjs-jsr223' })"));
  }

  @Test
  void aJavaFunctionWrappedInAnArrowBecomesAnOperationRulesCanUse() throws Exception {
    Map<String, Double> prices = Map.of("TEA", 3.5, "CAKE", 2.0);
    engine.put("priceOf", (Function<String, Double>) prices::get);
    engine.eval("jsonLogic.add_operation('price', sku => priceOf(sku))");
    assertEquals(
        7,
        engine.eval("jsonLogic.apply({ '*': [ { price: [ { var: 'sku' } ] }, { var: 'qty' } ] }, { sku: 'TEA', qty: 2 })"));
  }

  @Test
  void aJavaFunctionWithoutAnApplyMemberItselfBecomesAnOperation() throws Exception {
    // json-logic calls operations as op.apply(data, args): Function.prototype.apply serves a
    // Java function whose type has no member named apply
    engine.put("priceOf", (java.util.function.ToDoubleFunction<String>) Map.of("TEA", 3.5)::get);
    engine.eval("jsonLogic.add_operation('price', priceOf)");
    assertEquals(7, engine.eval("jsonLogic.apply({ '*': [ { price: [ 'TEA' ] }, 2 ] })"));
  }

  @Test
  void aJavaUtilFunctionsApplyIsItsJavaApplySoItIsWrappedInAnArrow() {
    // a java.util.function.Function has its own apply (as in Nashorn and GraalJS), so a library
    // calling op.apply(data, args) reaches the Java method: the error names it (wrap it instead,
    // as aJavaFunctionWrappedInAnArrowBecomesAnOperationRulesCanUse does)
    engine.put("priceOf", (Function<String, Double>) Map.of("TEA", 3.5)::get);
    JsException e = assertThrows(JsException.class, () -> engine.eval(
        "jsonLogic.add_operation('price', priceOf); jsonLogic.apply({ price: [ 'TEA' ] })"));
    assertTrue(e.getMessage().contains("no overload of 'apply'"), e.getMessage());
  }

  @Test
  void anUnknownOperationIsAJsException() {
    JsException e = assertThrows(JsException.class, () -> engine.eval("jsonLogic.apply({ frobnicate: [1] })"));
    assertTrue(e.getMessage().startsWith("Error: Unrecognized operation frobnicate"), e.getMessage());
  }
}
