package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The factory: discovery, parameters, and the code it generates. */
class FactoryTest {
  private static final String NL = System.lineSeparator();

  private final List<ScriptEngine> engines = new ArrayList<>();
  private QuickJsScriptEngineFactory factory;

  @BeforeEach
  void setUp() {
    factory = new QuickJsScriptEngineFactory();
  }

  @AfterEach
  void closeEngines() throws Exception {
    for (ScriptEngine e : engines) {
      ((AutoCloseable) e).close();
    }
    engines.clear();
  }

  private ScriptEngine track(ScriptEngine e) {
    assertNotNull(e);
    engines.add(e);
    return e;
  }

  private ScriptEngine newEngine() {
    return track(new ScriptEngineManager().getEngineByName("quickjs"));
  }

  /** Runs code with a fresh writer and returns what it printed. */
  private static String output(ScriptEngine engine, String code) throws ScriptException {
    StringWriter out = new StringWriter();
    engine.getContext().setWriter(out);
    engine.eval(code);
    return out.toString();
  }

  @Nested
  class Discovery {
    @ParameterizedTest
    @ValueSource(
        strings = {"quickjs", "QuickJS", "js", "JS", "JavaScript", "javascript", "ECMAScript", "ecmascript"})
    void everyNameFindsAWorkingQuickJsEngine(String name) throws ScriptException {
      ScriptEngine e = track(new ScriptEngineManager().getEngineByName(name));
      assertInstanceOf(QuickJsScriptEngineFactory.class, e.getFactory());
      assertInstanceOf(QuickJsScriptEngine.class, e);
      assertEquals(42, e.eval("6 * 7"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"js", "mjs"})
    void everyExtensionFindsAWorkingQuickJsEngine(String ext) throws ScriptException {
      ScriptEngine e = track(new ScriptEngineManager().getEngineByExtension(ext));
      assertInstanceOf(QuickJsScriptEngineFactory.class, e.getFactory());
      assertEquals("ok", e.eval("'o' + 'k'"));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"application/javascript", "text/javascript", "application/ecmascript", "text/ecmascript"})
    void everyMimeTypeFindsAWorkingQuickJsEngine(String mime) throws ScriptException {
      ScriptEngine e = track(new ScriptEngineManager().getEngineByMimeType(mime));
      assertInstanceOf(QuickJsScriptEngineFactory.class, e.getFactory());
      assertEquals(true, e.eval("typeof print === 'function'"));
    }

    @Test
    void aBadSystemPropertyIsLoggedSinceTheManagerHidesItAndReturnsNull() throws Exception {
      try (LoggedMessages log = LoggedMessages.of("dev.qjs")) {
        SystemProperties.with("quickjs.timeout", "soon", () ->
            assertNull(new ScriptEngineManager().getEngineByName("quickjs")));
        assertEquals(1, log.messages().size(), log.messages().toString());
        assertTrue(log.messages().get(0).contains("quickjs.timeout"), log.messages().get(0));
      }
      assertNotNull(new ScriptEngineManager().getEngineByName("quickjs"));
    }

    @Test
    void serviceLoaderListsTheFactory() {
      boolean found = false;
      for (ScriptEngineFactory f : ServiceLoader.load(ScriptEngineFactory.class)) {
        found |= f instanceof QuickJsScriptEngineFactory;
      }
      assertTrue(found, "META-INF/services must name QuickJsScriptEngineFactory");
    }

    @Test
    void managerListsTheFactoryOnce() {
      long n =
          new ScriptEngineManager()
              .getEngineFactories().stream()
                  .filter(f -> f instanceof QuickJsScriptEngineFactory)
                  .count();
      assertEquals(1, n);
    }

    @Test
    void namesExtensionsAndMimeTypesAreExactlyTheAdvertisedOnes() {
      assertEquals(
          List.of("quickjs", "QuickJS", "js", "JS", "JavaScript", "javascript", "ECMAScript", "ecmascript"),
          factory.getNames());
      assertEquals(List.of("js", "mjs"), factory.getExtensions());
      assertEquals(
          List.of("application/javascript", "text/javascript", "application/ecmascript", "text/ecmascript"),
          factory.getMimeTypes());
    }

    @Test
    void advertisedListsCannotBeModifiedByCallers() {
      assertThrows(UnsupportedOperationException.class, () -> factory.getNames().add("evil"));
      assertThrows(UnsupportedOperationException.class, () -> factory.getExtensions().clear());
      assertThrows(UnsupportedOperationException.class, () -> factory.getMimeTypes().remove(0));
      assertEquals(8, new QuickJsScriptEngineFactory().getNames().size());
    }

    @Test
    void unknownNameIsNotClaimed() {
      assertNull(new ScriptEngineManager().getEngineByName("quickjs-but-not-really"));
    }
  }

  @Nested
  class Parameters {
    @Test
    void engineParameterIsTheEngineName() {
      assertEquals("QuickJS", factory.getParameter(ScriptEngine.ENGINE));
      assertEquals(factory.getEngineName(), factory.getParameter(ScriptEngine.ENGINE));
    }

    @Test
    void engineVersionIsTheQuickJsRelease() {
      assertEquals("2025-04-26", factory.getParameter(ScriptEngine.ENGINE_VERSION));
      assertEquals(factory.getEngineVersion(), factory.getParameter(ScriptEngine.ENGINE_VERSION));
    }

    @Test
    void nameIsOneOfTheNamesTheManagerFindsItBy() {
      Object name = factory.getParameter(ScriptEngine.NAME);
      assertEquals("quickjs", name);
      assertTrue(factory.getNames().contains(name));
    }

    @Test
    void languageIsEcmaScript() {
      assertEquals("ECMAScript", factory.getParameter(ScriptEngine.LANGUAGE));
      assertEquals(factory.getLanguageName(), factory.getParameter(ScriptEngine.LANGUAGE));
    }

    @Test
    void languageVersionMatchesGetter() {
      Object v = factory.getParameter(ScriptEngine.LANGUAGE_VERSION);
      assertInstanceOf(String.class, v);
      assertTrue(((String) v).startsWith("ECMAScript"), String.valueOf(v));
      assertEquals(factory.getLanguageVersion(), v);
    }

    @Test
    void threadingIsMultithreaded() {
      assertEquals("MULTITHREADED", factory.getParameter("THREADING"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "threading", "engine", "ENGINE ", "javax.script.nope", "\u0000", "THREADING\n"})
    void unknownKeyGivesNull(String key) {
      assertNull(factory.getParameter(key));
    }

    @Test
    void nullKeyIsRejected() {
      assertThrows(NullPointerException.class, () -> factory.getParameter(null));
    }

    @Test
    void engineAnswersWithTheSameFactoryParameters() {
      ScriptEngine e = newEngine();
      assertEquals("QuickJS", e.getFactory().getParameter(ScriptEngine.ENGINE));
      assertEquals("MULTITHREADED", e.getFactory().getParameter("THREADING"));
    }
  }

  static Stream<Arguments> awkwardStrings() {
    StringBuilder allControls = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      allControls.append(c);
    }
    return Stream.of(
        Arguments.of("plain", "hello, world"),
        Arguments.of("empty", ""),
        Arguments.of("double quotes", "say \"hi\""),
        Arguments.of("single quotes", "it's 'quoted'"),
        Arguments.of("backticks and template", "`${1 + 1}`"),
        Arguments.of("newline", "line1\nline2"),
        Arguments.of("carriage return and tab", "a\r\nb\tc"),
        Arguments.of("backslashes", "C:\\temp\\new\\x41\\u0041"),
        Arguments.of("trailing backslash", "ends with \\"),
        Arguments.of("line and paragraph separators", "a\u2028b\u2029c"),
        Arguments.of("lone high surrogate", "x\uD800y"),
        Arguments.of("lone low surrogate", "x\uDC00y"),
        Arguments.of("reversed pair", "\uDC00\uD800"),
        Arguments.of("surrogate pair", "smile \uD83D\uDE00"),
        Arguments.of("NUL and controls", allControls.toString()),
        Arguments.of("DEL and latin1", "\u007f\u00ff\u00e9"),
        Arguments.of("injection attempt", "\"); throw new Error(\"pwned\"); (\""),
        Arguments.of("comment opener", "/* not a comment */ // nor this"),
        Arguments.of("script close tag", "</script><!--"),
        Arguments.of("BOM", "\uFEFFbom"));
  }

  @Nested
  class OutputStatement {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.qjs.FactoryTest#awkwardStrings")
    void outputStatementPrintsTheExactString(String label, String text) throws ScriptException {
      ScriptEngine e = newEngine();
      String code = factory.getOutputStatement(text);
      assertEquals(text + NL, output(e, code), "code was: " + code);
    }

    @Test
    void outputStatementOfHugeStringPrintsAllOfIt() throws ScriptException {
      ScriptEngine e = newEngine();
      String big = "q\"\\\n\u2028".repeat(2_000_000); // 10 M chars
      String printed = output(e, factory.getOutputStatement(big));
      assertEquals(big.length() + NL.length(), printed.length());
      assertEquals(big + NL, printed);
    }

    @Test
    void outputStatementsCombineIntoAProgram() throws ScriptException {
      ScriptEngine e = newEngine();
      String program =
          factory.getProgram(factory.getOutputStatement("one"), factory.getOutputStatement("t\"wo"));
      assertEquals("one" + NL + "t\"wo" + NL, output(e, program));
    }

    @Test
    void nullToDisplayIsRejected() {
      assertThrows(NullPointerException.class, () -> factory.getOutputStatement(null));
    }
  }

  @Nested
  class MethodCallSyntax {
    private ScriptEngine e;

    @BeforeEach
    void defineObject() throws ScriptException {
      e = newEngine();
      e.eval(
          "var obj = { n: 10, add(a, b) { return a + b }, self() { return this.n },"
              + " count() { return arguments.length }, echo(s) { return s } }");
    }

    @Test
    void methodCallWithArgumentsReturnsTheResult() throws ScriptException {
      assertEquals(5, e.eval(factory.getMethodCallSyntax("obj", "add", "2", "3")));
    }

    @Test
    void methodCallWithoutArgumentsPassesNone() throws ScriptException {
      assertEquals(0, e.eval(factory.getMethodCallSyntax("obj", "count")));
    }

    @Test
    void methodCallBindsThisToTheObject() throws ScriptException {
      assertEquals(10, e.eval(factory.getMethodCallSyntax("obj", "self")));
    }

    @Test
    void methodCallArgumentsMayBeQuotedStrings() throws ScriptException {
      String arg = QuickJsScriptEngineFactory.quote("a \"b\"\n\\c\u2028\uD800");
      assertEquals("a \"b\"\n\\c\u2028\uD800", e.eval(factory.getMethodCallSyntax("obj", "echo", arg)));
    }

    @Test
    void methodCallOutputCanBePrinted() throws ScriptException {
      String call = factory.getMethodCallSyntax("obj", "add", "'x'", "'y'");
      assertEquals("xy" + NL, output(e, "print(" + call + ")"));
    }

    @Test
    void nullObjectOrMethodIsRejected() {
      assertThrows(NullPointerException.class, () -> factory.getMethodCallSyntax(null, "m"));
      assertThrows(NullPointerException.class, () -> factory.getMethodCallSyntax("obj", null));
    }
  }

  @Nested
  class Program {
    @Test
    void programRunsStatementsInOrderAndReturnsTheLast() throws ScriptException {
      ScriptEngine e = newEngine();
      String p = factory.getProgram("var a = 1", "var b = a + 1", "b * 10");
      assertEquals(20, e.eval(p));
      assertEquals(2, e.get("b"));
    }

    @Test
    void programPrintsWhatItsOutputStatementsSay() throws ScriptException {
      ScriptEngine e = newEngine();
      String p =
          factory.getProgram(
              "var s = 'x'",
              factory.getOutputStatement("first"),
              "print(" + factory.getMethodCallSyntax("s", "repeat", "3") + ")");
      assertEquals("first" + NL + "xxx" + NL, output(e, p));
    }

    @Test
    void emptyProgramRunsAndGivesNull() throws ScriptException {
      ScriptEngine e = newEngine();
      assertNull(e.eval(factory.getProgram()));
    }

    @Test
    void statementsEndingInLineCommentsOrSemicolonsStillRun() throws ScriptException {
      ScriptEngine e = newEngine();
      String p = factory.getProgram("var a = 4 // four", "a = a + 1;", "a");
      assertEquals(5, e.eval(p));
    }

    @Test
    void programOfMultiLineStatementsRuns() throws ScriptException {
      ScriptEngine e = newEngine();
      String p = factory.getProgram("function f(x) {\n  return x * 2\n}", "f(21)");
      assertEquals(42, e.eval(p));
    }
  }

  @Nested
  class Engines {
    @Test
    void getScriptEngineGivesANewEngineEachTime() {
      ScriptEngine a = track(factory.getScriptEngine());
      ScriptEngine b = track(factory.getScriptEngine());
      assertNotSame(a, b);
      assertNotSame(a.getContext(), b.getContext());
      assertNotSame(a.getBindings(ScriptContext.ENGINE_SCOPE), b.getBindings(ScriptContext.ENGINE_SCOPE));
    }

    @Test
    void enginesDoNotShareGlobals() throws ScriptException {
      ScriptEngine a = track(factory.getScriptEngine());
      ScriptEngine b = track(factory.getScriptEngine());
      a.eval("var onlyInA = 1; Object.prototype.polluted = 'yes'");
      a.put("putInA", 2);
      assertEquals("undefined", b.eval("typeof onlyInA"));
      assertEquals("undefined", b.eval("typeof putInA"));
      assertEquals("undefined", b.eval("typeof ({}).polluted"));
      assertNull(b.get("onlyInA"));
    }

    @Test
    void engineKnowsItsFactory() {
      ScriptEngine a = track(factory.getScriptEngine());
      assertSame(factory, a.getFactory());
    }

    @Test
    void closingOneEngineLeavesOthersWorking() throws Exception {
      ScriptEngine a = factory.getScriptEngine();
      ScriptEngine b = track(factory.getScriptEngine());
      a.eval("var x = 1");
      ((AutoCloseable) a).close();
      assertEquals(3, b.eval("1 + 2"));
      assertThrows(IllegalStateException.class, () -> a.eval("1"));
      ((AutoCloseable) a).close(); // idempotent
    }

    @Test
    void manyEnginesCanBeCreatedAndClosed() throws Exception {
      for (int i = 0; i < 50; i++) {
        ScriptEngine e = factory.getScriptEngine();
        assertEquals(i, e.eval(String.valueOf(i)));
        ((AutoCloseable) e).close();
      }
    }
  }
}
