package dev.qjs.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.JsArray;
import dev.qjs.JsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.context.support.GenericXmlApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.scripting.ScriptCompilationException;
import org.springframework.scripting.support.ResourceScriptSource;
import org.springframework.scripting.support.ScriptFactoryPostProcessor;
import org.springframework.scripting.support.StandardScriptEvalException;
import org.springframework.scripting.support.StandardScriptEvaluator;
import org.springframework.scripting.support.StandardScriptFactory;
import org.springframework.scripting.support.StaticScriptSource;

/**
 * Spring's JSR-223 scripting support on this engine: {@code StandardScriptEvaluator} (a new
 * engine per evaluation, arguments as {@code SimpleBindings}) and {@code StandardScriptFactory}
 * (a scripted bean adapted to Java interfaces with {@code Invocable.getInterface}), through
 * the {@code <lang:std>} XML namespace and through bean definitions.
 */
class SpringScriptingTest {

  public interface Greeter {
    String greet(String name);

    int countLetters(List<String> words);

    void setGreeting(String greeting);
  }

  public interface Hello {
    String greet(String name);
  }

  public interface Calculator {
    int add(int a, int b);

    double withTax(double amount);

    long power(long base, int exponent);

    String describe(Map<String, Object> order);
  }

  // ------------------------------------------------------------------ StandardScriptEvaluator

  static StandardScriptEvaluator evaluator(String language) {
    StandardScriptEvaluator evaluator = new StandardScriptEvaluator();
    evaluator.setLanguage(language);
    return evaluator;
  }

  @Test
  void evaluatorEvaluatesAStaticScriptWithArguments() {
    // Map.of: Spring wraps the caller's map itself (read-only here) in a SimpleBindings
    Object result =
        evaluator("quickjs")
            .evaluate(new StaticScriptSource("a * b + offset"), Map.of("a", 6, "b", 7, "offset", 0));
    assertEquals(42, result);
  }

  @Test
  void evaluatorWritesTheScriptsGlobalsBackIntoAMutableArgumentMap() {
    Map<String, Object> variables = new HashMap<>(Map.of("x", 2));
    Object result =
        evaluator("quickjs").evaluate(new StaticScriptSource("var y = x * 21; y + 1"), variables);
    assertEquals(43, result);
    assertEquals(42, variables.get("y"));
    assertEquals(2, variables.get("x"));
  }

  @Test
  void evaluatorArgumentsCanBeJavaObjects() {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("customer", "Ada");
    order.put("lines", List.of(Map.of("price", 3, "qty", 2), Map.of("price", 5, "qty", 1)));
    Object total =
        evaluator("quickjs")
            .evaluate(
                new StaticScriptSource(
                    "order.lines.map(l => l.price * l.qty).reduce((x, y) => x + y, 0)"),
                Map.of("order", order));
    assertEquals(11, total);
    Object text =
        evaluator("JavaScript")
            .evaluate(
                new StaticScriptSource("`${order.customer} has ${order.lines.length} lines`"),
                Map.of("order", order));
    assertEquals("Ada has 2 lines", text);
  }

  @Test
  void evaluatorWithoutArgumentsAndResultsAsMirrors() {
    Object result = evaluator("js").evaluate(new StaticScriptSource("[1, 2, 3].map(x => x * 2)"));
    assertInstanceOf(JsArray.class, result);
    assertEquals(List.of(2, 4, 6), result);
  }

  @Test
  void evaluatorArgumentsDoNotLeakBetweenEvaluations() {
    StandardScriptEvaluator evaluator = evaluator("quickjs");
    StaticScriptSource script = new StaticScriptSource("typeof first + ',' + typeof second");
    assertEquals("number,undefined", evaluator.evaluate(script, Map.of("first", 1)));
    assertEquals("undefined,number", evaluator.evaluate(script, Map.of("second", 2)));
  }

  @Test
  void evaluatorGlobalBindingsAreSeen() {
    // Spring applies global bindings to the ScriptEngineManager it makes in its constructor or
    // in setBeanClassLoader (as a container calls it); a bare new StandardScriptEvaluator()
    // would make a manager without them.
    StandardScriptEvaluator evaluator =
        new StandardScriptEvaluator(SpringScriptingTest.class.getClassLoader());
    evaluator.setLanguage("quickjs");
    evaluator.setGlobalBindings(Map.of("tenant", "acme"));
    assertEquals("ACME", evaluator.evaluate(new StaticScriptSource("tenant.toUpperCase()")));
    assertEquals(
        "acme/7",
        evaluator.evaluate(new StaticScriptSource("tenant + '/' + id"), Map.of("id", 7)));
  }

  @Test
  void evaluatorPicksTheEngineByFileExtension() {
    StandardScriptEvaluator evaluator = new StandardScriptEvaluator();
    Object result =
        evaluator.evaluate(
            new ResourceScriptSource(new ClassPathResource("dev/qjs/spring/scripts/calculator.js")));
    // the script's value: the Calculator instance, as a live mirror (a Map)
    assertInstanceOf(Map.class, result);
    assertEquals(0.25, ((Map<?, ?>) result).get("rate"));
  }

  @Test
  void evaluatorReportsScriptErrors() {
    StandardScriptEvaluator evaluator = evaluator("quickjs");
    ScriptCompilationException syntax =
        assertThrows(
            ScriptCompilationException.class,
            () -> evaluator.evaluate(new StaticScriptSource("1 +* 2")));
    JsException js = scriptException(syntax);
    assertEquals("SyntaxError", js.getErrorName());
    assertTrue(syntax.getCause().getMessage().startsWith("SyntaxError"), syntax::toString);

    ScriptCompilationException thrown =
        assertThrows(
            ScriptCompilationException.class,
            () -> evaluator.evaluate(new StaticScriptSource("null.x"), Map.of("a", 1)));
    assertEquals("TypeError", scriptException(thrown).getErrorName());
  }

  /** Spring keeps the engine's ScriptException in a StandardScriptEvalException (not as cause). */
  static JsException scriptException(ScriptCompilationException e) {
    StandardScriptEvalException eval = assertInstanceOf(StandardScriptEvalException.class, e.getCause());
    return assertInstanceOf(JsException.class, eval.getScriptException());
  }

  // ------------------------------------------------------------------ StandardScriptFactory

  @Test
  void langStdBeansFromXml() {
    try (GenericXmlApplicationContext context =
        new GenericXmlApplicationContext("classpath:dev/qjs/spring/scripts/context.xml")) {
      // top-level functions adapted to the interface; the property set through setGreeting
      Greeter greeter = context.getBean("greeter", Greeter.class);
      assertEquals("Welcome, Ada!", greeter.greet("Ada"));
      assertEquals(10, greeter.countLetters(List.of("tea", "cake", "jam")));

      // an object's methods, engine chosen by the .js extension
      Calculator calculator = context.getBean("calculator", Calculator.class);
      assertEquals(5, calculator.add(2, 3));
      assertEquals(125.0, calculator.withTax(100));
      assertEquals(1L << 40, calculator.power(2, 40));
      assertEquals(
          "Ada: 2 lines", calculator.describe(Map.of("customer", "Ada", "lines", List.of(1, 2))));
      assertEquals("nobody: 0 lines", calculator.describe(Map.of()));

      // an inline script as a JDK functional interface
      @SuppressWarnings("unchecked")
      UnaryOperator<String> shouter = context.getBean("shouter", UnaryOperator.class);
      assertEquals("HEY!", shouter.apply("hey"));
    }
  }

  @Test
  void scriptedBeanFromABeanDefinition() {
    try (GenericApplicationContext context = new GenericApplicationContext()) {
      context.registerBean(ScriptFactoryPostProcessor.class);
      RootBeanDefinition definition = new RootBeanDefinition(StandardScriptFactory.class);
      definition.getConstructorArgumentValues().addIndexedArgumentValue(0, "quickjs");
      definition
          .getConstructorArgumentValues()
          .addIndexedArgumentValue(1, "inline:function greet(n) { return 'Hi ' + n } "
              + "function countLetters(w) { return w.join('').length } "
              + "function setGreeting(g) {}");
      definition
          .getConstructorArgumentValues()
          .addIndexedArgumentValue(2, new Class<?>[] {Greeter.class});
      context.registerBeanDefinition("greeter", definition);
      context.refresh();

      Greeter greeter = context.getBean(Greeter.class);
      assertEquals("Hi Bo", greeter.greet("Bo"));
      assertEquals(6, greeter.countLetters(List.of("ab", "cd", "ef")));
    }
  }

  @Test
  void refreshableScriptedBeanPicksUpAChangedFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("greeter.js");
    Files.writeString(file, "function greet(n) { return 'v1 ' + n }", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    try (GenericApplicationContext context = new GenericApplicationContext()) {
      context.registerBean(
          ScriptFactoryPostProcessor.class,
          () -> {
            ScriptFactoryPostProcessor processor = new ScriptFactoryPostProcessor();
            processor.setDefaultRefreshCheckDelay(1); // ms: check the file on every call
            return processor;
          });
      RootBeanDefinition definition = new RootBeanDefinition(StandardScriptFactory.class);
      definition.getConstructorArgumentValues().addIndexedArgumentValue(0, "quickjs");
      definition.getConstructorArgumentValues().addIndexedArgumentValue(1, file.toUri().toString());
      definition
          .getConstructorArgumentValues()
          .addIndexedArgumentValue(2, new Class<?>[] {Hello.class});
      context.registerBeanDefinition("hello", definition);
      context.refresh();

      Hello hello = context.getBean(Hello.class);
      assertEquals("v1 Ann", hello.greet("Ann"));

      Files.writeString(file, "function greet(n) { return 'v2 ' + n }", StandardCharsets.UTF_8);
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
      Thread.sleep(20); // past the refresh check delay
      assertEquals("v2 Ann", hello.greet("Ann"));
    }
  }
}
