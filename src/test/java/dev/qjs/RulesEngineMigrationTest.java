package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A small rules engine written the way Nashorn-era services wrote them — Java facts (beans,
 * maps, lists) handed to ES5-style rule scripts, rules called through {@code Invocable}, results
 * read back as Java collections — moved over by changing only the engine name.
 */
class RulesEngineMigrationTest {
  /** A fact bean, as rule services pass them. */
  public static final class Order {
    private final String customer;
    private final List<Map<String, Object>> lines = new ArrayList<>();
    private boolean priority;

    public Order(String customer) {
      this.customer = customer;
    }

    public String getCustomer() {
      return customer;
    }

    public List<Map<String, Object>> getLines() {
      return lines;
    }

    public boolean isPriority() {
      return priority;
    }

    public void setPriority(boolean priority) {
      this.priority = priority;
    }

    public Order line(String sku, int qty, double price) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("sku", sku);
      l.put("qty", qty);
      l.put("price", price);
      lines.add(l);
      return this;
    }
  }

  /** What each rule implements, obtained with getInterface. */
  public interface Rule {
    boolean applies(Order order, Map<String, Object> context);

    String action(Order order, Map<String, Object> context);
  }

  private static final String RULES =
      String.join(
          "\n",
          "var rules = [];",
          "function rule(name, when, then) { rules.push({name: name, when: when, then: then}); }",
          "function total(order) {",
          "  var sum = 0;",
          "  for (var i = 0; i < order.lines.length; i++) {",
          "    sum += order.lines[i].qty * order.lines[i].price;",
          "  }",
          "  return sum;",
          "}",
          "rule('big-order', function (o, ctx) { return total(o) > ctx.threshold; },",
          "     function (o, ctx) { o.priority = true; return 'flag ' + o.customer; });",
          "rule('bulk-sku', function (o) { return o.lines.some(function (l) { return l.qty >= 100; }); },",
          "     function (o) { return 'bulk ' + o.lines.filter(function (l) { return l.qty >= 100; })",
          "         .map(function (l) { return l.sku; }).join(','); });",
          "rule('vip', function (o, ctx) { return ctx.vips.indexOf(o.customer) >= 0; },",
          "     function (o) { return 'vip ' + o.customer; });",
          "function evaluate(order, ctx) {",
          "  var actions = [];",
          "  rules.forEach(function (r) { if (r.when(order, ctx)) actions.push(r.then(order, ctx)); });",
          "  return actions;",
          "}",
          "function asRule(index) {",
          "  var r = rules[index];",
          "  return { applies: r.when, action: r.then };",
          "}");

  private ScriptEngine engine;

  @BeforeEach
  void setUp() throws Exception {
    engine = new ScriptEngineManager().getEngineByName("quickjs"); // was "nashorn"
    engine.eval(RULES);
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private Map<String, Object> context() {
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put("threshold", 1000);
    ctx.put("vips", List.of("acme", "globex"));
    return ctx;
  }

  @Test
  void rulesReadJavaFactsAndReturnActionsAsAJavaList() throws Exception {
    Order order = new Order("acme").line("a-1", 150, 5.0).line("b-2", 3, 99.5);
    Object result = ((Invocable) engine).invokeFunction("evaluate", order, context());
    List<?> actions = assertInstanceOf(List.class, result);
    assertEquals(List.of("flag acme", "bulk a-1", "vip acme"), List.copyOf(actions));
    assertTrue(order.isPriority(), "the rule's bean write reached the Java object");
  }

  @Test
  void noRuleFiresForASmallOrderOfAnUnknownCustomer() throws Exception {
    Order order = new Order("initech").line("c-3", 1, 10.0);
    List<?> actions = (List<?>) ((Invocable) engine).invokeFunction("evaluate", order, context());
    assertEquals(0, actions.size());
    assertEquals(false, order.isPriority());
  }

  @Test
  void aRuleObjectImplementsAJavaInterface() throws Exception {
    Object jsRule = ((Invocable) engine).invokeFunction("asRule", 1);
    Rule bulk = ((Invocable) engine).getInterface(jsRule, Rule.class);
    Order order = new Order("x").line("z-9", 500, 1.0);
    assertTrue(bulk.applies(order, context()));
    assertEquals("bulk z-9", bulk.action(order, context()));
  }

  @Test
  void rulesAddedLaterBySourceAreSeenByTheSameEngine() throws Exception {
    engine.eval(
        "rule('decimal', function (o) { return o.lines.length > 1 }, function (o) {"
            + " return 'lines ' + o.lines.length })");
    Order order = new Order("acme").line("a", 1, 1.0).line("b", 1, 1.0);
    List<?> actions = (List<?>) ((Invocable) engine).invokeFunction("evaluate", order, context());
    assertEquals(List.of("vip acme", "lines 2"), List.copyOf(actions));
  }

  @Test
  void rulesRunConcurrentlyOnOneSharedEngine() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 200; i++) {
                    Order order = new Order("c" + id).line("s" + i, i, 20.0);
                    List<?> actions =
                        (List<?>) ((Invocable) engine).invokeFunction("evaluate", order, context());
                    int expected = (i * 20.0 > 1000 ? 1 : 0) + (i >= 100 ? 1 : 0);
                    if (actions.size() != expected) {
                      throw new AssertionError(id + "/" + i + ": " + actions);
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(60_000);
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void bigDecimalFactsArriveAsNumbers() throws Exception {
    engine.eval("function double(x) { return x * 2 }");
    assertEquals(5, ((Invocable) engine).invokeFunction("double", new BigDecimal("2.5")));
  }
}
