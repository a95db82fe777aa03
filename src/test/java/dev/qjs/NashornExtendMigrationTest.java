package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rules service written for Nashorn — rules made with {@code Java.extend} and {@code new
 * Interface({...})}, facts given as an {@code AbstractJSObject} that computes them lazily —
 * moved over as docs/migrating-from-nashorn.md says: the engine made with a {@link ClassFilter},
 * and the fact class implementing {@link DynamicObject} instead of extending
 * {@code AbstractJSObject} (same method names). The script is unchanged ES5.
 */
class NashornExtendMigrationTest {
  /** The rule contract, a Java interface the scripts implement. */
  public interface Rule {
    boolean applies(Object facts);

    String name();

    default int priority() {
      return 0;
    }
  }

  /**
   * Was {@code class LazyFacts extends AbstractJSObject}: the same overrides, now of
   * DynamicObject's default methods.
   */
  static final class LazyFacts implements DynamicObject {
    private final Map<String, Function<String, Object>> sources = new HashMap<>();
    final AtomicInteger computed = new AtomicInteger();

    LazyFacts fact(String name, Function<String, Object> source) {
      sources.put(name, source);
      return this;
    }

    @Override
    public @Nullable Object getMember(String name) {
      Function<String, Object> source = sources.get(name);
      if (source == null) {
        return null;
      }
      computed.incrementAndGet();
      return source.apply(name);
    }

    @Override
    public boolean hasMember(String name) {
      return sources.containsKey(name);
    }

    @Override
    public Collection<String> keySet() {
      return sources.keySet();
    }
  }

  // exactly as it ran on Nashorn
  private static final String RULES = String.join("\n",
      "var Rule = Java.type('" + Rule.class.getName() + "');",
      "var ArrayList = Java.type('java.util.ArrayList');",
      "var Collections = Java.type('java.util.Collections');",
      "var Comparator = Java.type('java.util.Comparator');",
      "var AdultRule = Java.extend(Rule, {",
      "  applies: function (facts) { return facts.age >= 18; },",
      "  name: function () { return 'adult'; },",
      "  priority: function () { return 10; }",
      "});",
      "var rules = new ArrayList();",
      "rules.add(new AdultRule());",
      "rules.add(new Rule({",
      "  applies: function (facts) { return 'licence' in facts && facts.licence !== 'none'; },",
      "  name: function () { return 'driver'; }",
      "}));",
      "rules.add(new Rule({",
      "  applies: function (facts) { return facts.country == 'NL'; },",
      "  name: function () { return 'dutch'; },",
      "  priority: function () { return 5; }",
      "}));",
      "Collections.sort(rules, new Comparator(function (a, b) { return b.priority() - a.priority(); }));",
      "function evaluate(facts) {",
      "  var fired = [];",
      "  for (var i = 0; i < rules.size(); i++) {",
      "    var rule = rules.get(i);",
      "    if (rule.applies(facts)) fired.push(rule.name());",
      "  }",
      "  return fired.join(',');",
      "}",
      "function describe(facts) {",
      "  var parts = [];",
      "  for (var k in facts) parts.push(k);",
      "  return parts.sort().join(',');",
      "}");

  private final ScriptEngine engine =
      new QuickJsScriptEngineFactory().getScriptEngine(
          QuickJsOptions.builder()
              .classFilter(name -> name.startsWith("java.util.") || name.equals(Rule.class.getName()))
              .build());

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  @Test
  void aNashornRulesScriptWithJavaExtendAndLazyFactsRunsUnchanged() throws Exception {
    engine.eval(RULES);
    LazyFacts adultDriver = new LazyFacts()
        .fact("age", n -> 42)
        .fact("licence", n -> "B")
        .fact("country", n -> "NL");
    assertEquals("adult,dutch,driver", ((Invocable) engine).invokeFunction("evaluate", adultDriver));
    assertEquals("age,country,licence", ((Invocable) engine).invokeFunction("describe", adultDriver));

    LazyFacts child = new LazyFacts().fact("age", n -> 9);
    assertEquals("", ((Invocable) engine).invokeFunction("evaluate", child));
    // facts are computed when a rule reads them, once per read: 'licence' in facts computes none
    assertEquals(1, child.computed.get());
  }

  @Test
  void theRulesAreJavaObjectsJavaCodeCallsDirectly() throws Exception {
    engine.eval(RULES);
    Object rules = engine.get("rules");
    List<?> list = assertInstanceOf(List.class, rules);
    List<String> names = new ArrayList<>();
    for (Object r : list) {
      Rule rule = assertInstanceOf(Rule.class, r);
      names.add(rule.name() + ":" + rule.priority());
    }
    assertEquals(List.of("adult:10", "dutch:5", "driver:0"), names);
    Rule adult = (Rule) list.get(0);
    assertTrue(adult.applies(new LazyFacts().fact("age", n -> 30)));
  }

  /**
   * The same service as Nashorn applications split it: the rules file {@code load}s its helpers.
   * The move adds only the setting that says which folder scripts may load from
   * ({@code quickjs.moduleRoots}); {@code load('helpers.js')} then resolves next to the loading
   * file.
   */
  @Test
  void aRulesFileThatLoadsItsHelpersRunsWithTheFolderAllowed(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("helpers.js"),
        "function adultAge() { return 18; }\nvar loadedHelpers = true;\n");
    Files.writeString(dir.resolve("rules.js"), "load('helpers.js');\n"
        + RULES.replace("facts.age >= 18", "facts.age >= adultAge()"));
    engine.put("quickjs.moduleRoots", dir.toString());
    engine.put(ScriptEngine.FILENAME, dir.resolve("rules.js").toString());
    engine.eval(Files.readString(dir.resolve("rules.js")));
    assertEquals(true, engine.get("loadedHelpers"));
    LazyFacts adult = new LazyFacts().fact("age", n -> 18);
    assertEquals("adult", ((Invocable) engine).invokeFunction("evaluate", adult));
    assertEquals("", ((Invocable) engine).invokeFunction("evaluate", new LazyFacts().fact("age", n -> 17)));
  }
}
