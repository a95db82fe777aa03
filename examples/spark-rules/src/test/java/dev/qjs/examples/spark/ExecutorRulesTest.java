package dev.qjs.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The executor side without Spark: rules loaded once per engine, engines reused, bad input. */
class ExecutorRulesTest {

  @Test
  void theRulesExamplesOrdersGetTheDecisionsOfItsRules() throws Exception {
    ExecutorRules rules = ExecutorRules.forShipment(RulesShipment.prepare());
    List<OrderScore> scores = new ArrayList<>();
    for (String order : rulesExampleOrders()) {
      scores.add(rules.score(order));
    }
    assertEquals(
        List.of(
            new OrderScore("ORD-1001", 113_00, 15, 16_95, "", "loyal customer,big basket"),
            new OrderScore("ORD-1002", 24_00, 0, 0, "insure", "fragile goods abroad"),
            new OrderScore("ORD-1003", 850_00, 0, 0, "reject", "blocked customer"),
            new OrderScore("ORD-1004", 8_50, 0, 0, "", "")),
        scores);
  }

  @Test
  void theSameShipmentGivesTheSameInstanceAndItsEnginesAreReused() {
    ExecutorRules rules = ExecutorRules.forShipment(RulesShipment.prepare());
    assertSame(rules, ExecutorRules.forShipment(RulesShipment.prepare()));
    int before = rules.enginesCreated();
    for (String order : OrderGenerator.orders(500, 1)) {
      rules.score(order);
    }
    // one thread scoring in sequence reuses one engine: at most one more than before
    assertTrue(rules.enginesCreated() <= Math.max(before, 1), "engines made: " + rules.enginesCreated());
  }

  @Test
  void aMalformedOrderIsRefusedNamingWhatIsWrongAndTheEngineKeepsScoring() {
    ExecutorRules rules = ExecutorRules.forShipment(RulesShipment.prepare());
    IllegalArgumentException notJson =
        assertThrows(IllegalArgumentException.class, () -> rules.score("{\"id\": \"ORD-1\", "));
    assertTrue(notJson.getMessage().contains("not an order"), notJson.getMessage());
    IllegalArgumentException noLines =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rules.score(
                    "{\"id\":\"ORD-7\",\"date\":\"2025-01-01\",\"customer\":{\"id\":\"C-1\","
                        + "\"since\":\"2024-01-01\"},\"shipTo\":{\"country\":\"DE\"}}"));
    assertTrue(noLines.getMessage().contains("order ORD-7: lines is not an array"), noLines.getMessage());
    for (String garbage : List.of("null", "[]", "42", "\"text\"", "{}", "\u0000\uFFFF")) {
      assertThrows(IllegalArgumentException.class, () -> rules.score(garbage), garbage);
    }
    String huge = "[".repeat(200_000);
    assertThrows(IllegalArgumentException.class, () -> rules.score(huge));
    assertEquals("ORD-1000000", rules.score(OrderGenerator.orders(1, 5).get(0)).id());
  }

  @Test
  void anEngineThatHitTheTimeLimitIsClosedAndTheNextOrderGetsAFreshOne() {
    String source =
        RulesShipment.source()
            + "\nconst scoreChecked = score;\n"
            + "score = (json) => { if (json.includes('LOOP')) for (;;) {} return scoreChecked(json); };\n";
    ExecutorRules rules = ExecutorRules.forShipment(RulesShipment.prepare(source));
    String order = OrderGenerator.orders(1, 3).get(0);
    rules.score(order);
    assertEquals(1, rules.enginesCreated());
    IllegalStateException stopped =
        assertThrows(IllegalStateException.class, () -> rules.score(order.replace("ORD-", "LOOP-")));
    assertTrue(stopped.getMessage().contains("the order rules failed"), stopped.getMessage());
    assertEquals(1, rules.enginesDiscarded());
    assertEquals("ORD-1000000", rules.score(order).id());
    assertEquals(2, rules.enginesCreated());
  }

  @Test
  void rulesThatDoNotParseAreRefusedOnTheDriverWithTheScriptsError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RulesShipment.prepare("function score(json) {"));
    assertTrue(e.getMessage().contains("the rules do not compile"), e.getMessage());
    assertTrue(e.getMessage().contains("SyntaxError"), e.getMessage());
  }

  @Test
  void aShipmentChangedOnTheWayIsRefusedBeforeAnyEngineReadsIt() {
    byte[] shipped = RulesShipment.prepare(RulesShipment.source() + "\n// changed " + System.nanoTime());
    for (int at : new int[] {0, shipped.length / 2, shipped.length - 1}) {
      byte[] changed = shipped.clone();
      changed[at] ^= 0x20;
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExecutorRules.forShipment(changed));
      assertTrue(e.getMessage().contains("the shipped rules are refused"), e.getMessage());
    }
    assertEquals("ORD-1000000", ExecutorRules.forShipment(shipped).score(OrderGenerator.orders(1, 3).get(0)).id());
  }

  @Test
  void fourThreadsScoringAtOnceGetTheResultsOfOneThread() throws Exception {
    List<String> orders = OrderGenerator.orders(4_000, 7);
    ExecutorRules rules = ExecutorRules.forShipment(RulesShipment.prepare());
    List<OrderScore> expected = new ArrayList<>();
    for (String order : orders) {
      expected.add(rules.score(order));
    }
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<OrderScore>>> parts = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<String> part = orders.subList(t * 1_000, (t + 1) * 1_000);
        parts.add(threads.submit(() -> part.stream().map(rules::score).toList()));
      }
      List<OrderScore> actual = new ArrayList<>();
      for (Future<List<OrderScore>> part : parts) {
        actual.addAll(part.get());
      }
      assertEquals(expected, actual);
    } finally {
      threads.shutdownNow();
    }
  }

  /** examples/rules/orders.json, one JSON text per order. */
  static List<String> rulesExampleOrders() throws Exception {
    String text = Files.readString(Path.of("../rules/orders.json"));
    try (QuickJsScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder().build())) {
      engine.put("text", text);
      @SuppressWarnings("unchecked")
      List<Object> orders = (List<Object>) engine.eval("JSON.parse(text).map((o) => JSON.stringify(o))");
      return orders.stream().map(String.class::cast).toList();
    }
  }
}
