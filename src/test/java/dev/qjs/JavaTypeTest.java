package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code Java.type} and friends, the {@link ClassFilter}, and what stays out of reach. */
public class JavaTypeTest {
  private final List<AutoCloseable> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() throws Exception {
    for (AutoCloseable e : engines) {
      e.close();
    }
  }

  private QuickJsScriptEngine javaEngine(ClassFilter filter) {
    QuickJsScriptEngine e =
        new QuickJsScriptEngineFactory()
            .getScriptEngine(QuickJsOptions.builder().classFilter(filter).build());
    engines.add(e);
    return e;
  }

  private QuickJsScriptEngine everything() {
    return javaEngine(name -> true);
  }

  /** Java methods that report what scripts handed them. */
  public static class Receiver {
    public Object last;

    public String describe(Object o) {
      return o == null ? "null" : o.getClass().getName();
    }

    public String ints(int[] xs) {
      return Arrays.toString(xs);
    }

    public void keep(Object o) {
      last = o;
    }

    public int[] numbers() {
      return new int[] {4, 5, 6};
    }
  }

  /** True when the script, run in e, evaluates to true. */
  private static void assertJs(ScriptEngine e, String script) throws ScriptException {
    assertEquals(true, e.eval(script), script);
  }

  // ------------------------------------------------------------------ no Java without options

  @Nested
  class WithoutAClassFilter {
    private void assertNoJavaGlobals(ScriptEngine e) throws ScriptException {
      engines.add((AutoCloseable) e);
      assertEquals(
          "undefined,undefined,undefined,undefined",
          e.eval("[typeof Java, typeof Packages, typeof java, typeof javax].join()"));
    }

    @Test
    void engineFromTheManagerHasNoJavaGlobals() throws ScriptException {
      assertNoJavaGlobals(new ScriptEngineManager().getEngineByName("quickjs"));
    }

    @Test
    void engineFromTheFactoryHasNoJavaGlobals() throws ScriptException {
      assertNoJavaGlobals(new QuickJsScriptEngineFactory().getScriptEngine());
      assertNoJavaGlobals(new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.defaults()));
      assertNoJavaGlobals(
          new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder().build()));
    }

    @Test
    void newBindingsHaveNoJavaGlobalsEither() throws ScriptException {
      ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
      engines.add((AutoCloseable) e);
      assertEquals("undefined", e.eval("typeof Java", e.createBindings()));
    }

    @Test
    void withAFilterThereIsJavaButNoPackagesOrJava() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertEquals("object,undefined,undefined", e.eval("[typeof Java, typeof Packages, typeof java].join()"));
      ScriptContext ctx = new SimpleScriptContext();
      ctx.setBindings(e.createBindings(), ScriptContext.ENGINE_SCOPE);
      assertEquals("object", e.eval("typeof Java", ctx), "every realm of the engine gets Java");
    }
  }

  // ------------------------------------------------------------------ Java.type

  @Nested
  class Types {
    @Test
    void staticFactoryAndInstanceMethods() throws ScriptException {
      QuickJsScriptEngine e = javaEngine(n -> n.startsWith("java.time."));
      assertEquals(2024, e.eval("Java.type('java.time.LocalDate').of(2024, 1, 2).getYear()"));
      assertEquals(
          "2024-01-03", e.eval("String(Java.type('java.time.LocalDate').of(2024, 1, 2).plusDays(1))"));
    }

    @Test
    void staticFields() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertEquals(Integer.MAX_VALUE, e.eval("Java.type('java.lang.Integer').MAX_VALUE"));
      assertJs(e, "Java.type('java.lang.Long').MAX_VALUE === 9223372036854775807n");
      assertJs(e, "Java.type('java.lang.Math').PI === Math.PI");
    }

    @Test
    void staticMethodsChooseOverloadsByArguments() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertEquals(42, e.eval("Java.type('java.lang.Integer').parseInt('42')"));
      assertEquals(255, e.eval("Java.type('java.lang.Integer').parseInt('ff', 16)"));
      assertEquals("ff", e.eval("Java.type('java.lang.Integer').toHexString(255)"));
      assertEquals(2.5, e.eval("Java.type('java.lang.Math').max(1, 2.5)"));
      assertEquals("a-b", e.eval("Java.type('java.lang.String').join('-', 'a', 'b')"));
    }

    @Test
    void constructorsWithNewChooseOverloadsByArguments() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertEquals("abc", e.eval("new (Java.type('java.lang.StringBuilder'))('abc').toString()"));
      assertEquals("", e.eval("new (Java.type('java.lang.StringBuilder'))(16).toString()"));
      assertEquals(0, e.eval("new (Java.type('java.util.ArrayList'))(5).size()"));
      assertEquals(
          2, e.eval("const L = Java.type('java.util.ArrayList'); const l = new L(); l.add(1); l.add(2); l.size()"));
      Object list = e.eval("new (Java.type('java.util.ArrayList'))()");
      assertInstanceOf(ArrayList.class, list);
    }

    @Test
    void abstractTypesCannotBeConstructed() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(e, "try { new (Java.type('java.util.Map'))(); false } catch (x) { x instanceof TypeError }");
      assertEquals(2, e.eval("Java.type('java.util.List').of(1, 2).size()"), "static interface methods work");
    }

    @Test
    void nestedClassesByDotOrDollar() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertEquals(
          "[JavaClass java.util.Map$Entry]", e.eval("Java.type('java.util.Map.Entry')").toString());
      assertEquals(
          "[JavaClass java.util.Map$Entry]", e.eval("Java.type('java.util.Map$Entry')").toString());
      assertEquals("k=1", e.eval("String(Java.type('java.util.Map.Entry').comparingByKey() && "
          + "new (Java.type('java.util.AbstractMap.SimpleEntry'))('k', 1))"));
      assertEquals("BASIC_LATIN", e.eval("String(Java.type('java.lang.Character.UnicodeBlock').of(65))"));
    }

    @Test
    void classWithStaticToStringStillConvertsToAString() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertEquals("[JavaClass java.lang.Integer]", e.eval("String(Java.type('java.lang.Integer'))"));
      assertEquals("5", e.eval("Java.type('java.lang.Integer').toString(5)"));
    }

    @Test
    void fromGivesARealJsArrayCopy() throws ScriptException {
      QuickJsScriptEngine e = everything();
      List<Object> javaList = new ArrayList<>(List.of(1, "two", 3.5));
      e.put("jl", javaList);
      e.put("r", new Receiver());
      assertJs(e, "const a = Java.from(jl); Array.isArray(a) && a.length === 3 && a[1] === 'two'");
      e.eval("const b = Java.from(jl); b.push(4); b[0] = 'changed'");
      assertEquals(List.of(1, "two", 3.5), javaList);
      assertJs(e, "const n = Java.from(r.numbers()); Array.isArray(n) && n.join() === '4,5,6'");
    }

    @Test
    void toIntArrayReachesJavaAsAnIntArray() throws ScriptException {
      QuickJsScriptEngine e = everything();
      Receiver r = new Receiver();
      e.put("r", r);
      assertEquals("[1, 2, 3]", e.eval("r.ints(Java.to([1, 2, 3], 'int[]'))"));
      assertEquals("[I", e.eval("r.describe(Java.to([1, 2, 3], 'int[]'))"));
      e.eval("r.keep(Java.to([1, 2, 3], 'int[]'))");
      assertArrayEquals(new int[] {1, 2, 3}, (int[]) r.last);
      e.eval("r.keep(Java.to(['a', 'b'], 'java.lang.String[]'))");
      assertArrayEquals(new String[] {"a", "b"}, (String[]) r.last);
      e.eval("r.keep(Java.to([1.5, 2], 'double[]'))");
      assertArrayEquals(new double[] {1.5, 2.0}, (double[]) r.last);
    }

    @Test
    void toWithoutATypeGivesAnObjectArray() throws ScriptException {
      QuickJsScriptEngine e = everything();
      Receiver r = new Receiver();
      e.put("r", r);
      e.eval("r.keep(Java.to([1, 'x']))");
      assertArrayEquals(new Object[] {1, "x"}, (Object[]) r.last);
    }

    @Test
    void toListGivesAnArrayListCopy() throws ScriptException {
      QuickJsScriptEngine e = everything();
      Receiver r = new Receiver();
      e.put("r", r);
      assertEquals("java.util.ArrayList", e.eval("r.describe(Java.to([1, 2, 3], 'java.util.List'))"));
      e.eval("const src = [1, {a: 2}, 'z']; r.keep(Java.to(src, 'java.util.List')); src.push(4); src[0] = 9");
      List<?> kept = assertInstanceOf(ArrayList.class, r.last);
      assertEquals(3, kept.size());
      assertEquals(1, kept.get(0));
      assertEquals("z", kept.get(2));
    }

    @Test
    void toRefusesElementsThatDoNotFit() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(e, "try { Java.to([1, 'a'], 'int[]'); false } catch (x) { x instanceof TypeError }");
    }

    @Test
    void isJavaObjectTellsJavaObjectsFromScriptValues() throws ScriptException {
      QuickJsScriptEngine e = everything();
      e.put("jl", new ArrayList<>());
      assertJs(e, "Java.isJavaObject(jl) && Java.isJavaObject(new (Java.type('java.util.HashMap'))())");
      assertJs(
          e,
          "![{}, [], 1, 'x', null, undefined, true, () => 1, 10n].some(v => Java.isJavaObject(v))");
    }

    @Test
    void datesAndByteArraysAreScriptValuesNotJavaObjects() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(e, "!Java.isJavaObject(new Date()) && !Java.isJavaObject(new Uint8Array(2))");
    }

    @Test
    void isTypeIsTrueOnlyForTypes() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(e, "Java.isType(Java.type('java.util.ArrayList'))");
      assertJs(
          e,
          "![new (Java.type('java.util.ArrayList'))(), {}, 'java.util.ArrayList', null, undefined]"
              + ".some(v => Java.isType(v))");
    }
  }

  // ------------------------------------------------------------------ the filter

  @Nested
  class Filtering {
    @Test
    void classTheFilterRejectsIsATypeErrorNamingTheClassFilter() throws ScriptException {
      QuickJsScriptEngine e = javaEngine(n -> n.startsWith("java.time."));
      assertJs(
          e,
          "try { Java.type('java.util.ArrayList'); false } catch (x) {"
              + " x instanceof TypeError && x.message.includes('ClassFilter')"
              + " && x.message.includes('java.util.ArrayList') }");
      JsException ex = assertThrows(JsException.class, () -> e.eval("Java.type('java.util.ArrayList')"));
      assertEquals("TypeError", ex.getErrorName());
    }

    @Test
    void filterIsAskedWithTheNameTheScriptGave() throws ScriptException {
      List<String> asked = new CopyOnWriteArrayList<>();
      QuickJsScriptEngine e =
          javaEngine(
              n -> {
                asked.add(n);
                return n.equals("java.time.LocalDate");
              });
      e.eval("Java.type('java.time.LocalDate')");
      assertTrue(asked.contains("java.time.LocalDate"), asked.toString());
      assertThrows(JsException.class, () -> e.eval("Java.type('java.time.LocalTime')"));
    }

    @Test
    void typeConversionTargetsAreFilteredToo() throws ScriptException {
      QuickJsScriptEngine e = javaEngine(n -> n.startsWith("java.time."));
      assertJs(e, "try { Java.to([1], 'java.util.List'); false } catch (x) { x instanceof TypeError }");
      assertJs(e, "try { Java.to([1], 'java.lang.String[]'); false } catch (x) { x instanceof TypeError }");
    }

    @Test
    void alwaysBlockedClassesAreTypeErrorsEvenWhenTheFilterAllowsThem() throws ScriptException {
      List<String> asked = new CopyOnWriteArrayList<>();
      QuickJsScriptEngine e =
          javaEngine(
              n -> {
                asked.add(n);
                return true;
              });
      for (String name :
          List.of(
              "java.lang.Class", "java.lang.Thread", "java.lang.System", "java.lang.Runtime",
              "java.lang.ProcessBuilder", "java.lang.ClassLoader", "java.lang.reflect.Method",
              "java.lang.reflect.Field", "java.lang.invoke.MethodHandles", "java.net.URLClassLoader",
              "java.lang.ThreadGroup", "java.lang.Module", "java.lang.ProcessHandle")) {
        assertJs(
            e,
            "try { Java.type('" + name + "'); false } catch (x) { x instanceof TypeError && x.message.includes('"
                + name + "') }");
        JsException ex =
            assertThrows(JsException.class, () -> e.eval("Java.type('" + name + "')"), name);
        assertEquals("TypeError", ex.getErrorName(), name);
      }
      assertTrue(asked.contains("java.lang.System"), "the filter said yes; the engine still refused");
    }

    @Test
    void blockedComponentTypesCannotBeArrayTargets() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(e, "try { Java.to([], 'java.lang.Thread[]'); false } catch (x) { x instanceof TypeError }");
      assertJs(e, "try { Java.to([], 'java.lang.Class[]'); false } catch (x) { x instanceof TypeError }");
    }

    @Test
    void nonPublicAndUnknownClassesAreTypeErrors() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(
          e,
          "try { Java.type('java.util.Collections$UnmodifiableList'); false } catch (x) { x instanceof TypeError }");
      assertJs(e, "try { Java.type('no.such.Thing'); false } catch (x) { x instanceof TypeError }");
      assertJs(e, "try { Java.type(); false } catch (x) { x instanceof TypeError }");
    }
  }

  // ------------------------------------------------------------------ hostile scripts

  @Nested
  class HostileScripts {
    @Test
    void classMembersAreRefused() throws ScriptException {
      QuickJsScriptEngine e = everything();
      for (String s :
          List.of(
              "Java.type('java.lang.Integer').class",
              "Java.type('java.lang.Integer').getClass",
              "Java.type('java.lang.Integer').getClass()",
              "new (Java.type('java.util.ArrayList'))().getClass()",
              "new (Java.type('java.util.ArrayList'))()['getClass']()",
              "Java.type('java.time.LocalDate').now().getClass().getClassLoader()")) {
        assertJs(e, "try { " + s + "; false } catch (x) { x instanceof TypeError }");
      }
    }

    @Test
    void staticFieldsOfTypeClassAreNotThere() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(e, "Java.type('java.lang.Integer').TYPE === undefined");
      assertJs(e, "!Object.keys(Java.type('java.lang.Integer')).includes('TYPE')");
    }

    @Test
    void methodsReturningBlockedObjectsAreRefused() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(
          e,
          "try { Java.type('java.lang.Thread$State').valueOf('NEW').getDeclaringClass(); false }"
              + " catch (x) { x instanceof TypeError && x.message.includes('java.lang.Class') }");
      // Executors makes threads: only a filter naming it exactly exposes it
      QuickJsScriptEngine exact = javaEngine(java.util.Set.of("java.util.concurrent.Executors")::contains);
      assertJs(
          exact,
          "try { Java.type('java.util.concurrent.Executors').defaultThreadFactory().newThread(() => 1); false }"
              + " catch (x) { x instanceof TypeError && x.message.includes('java.lang.Thread') }");
    }

    @Test
    void theJavaObjectIsFrozen() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(e, "Object.isFrozen(Java)");
      assertJs(e, "const t = Java.type; Java.type = () => 'pwned'; Java.type === t");
      assertJs(e, "(() => { 'use strict'; try { Java.type = 1; return false } catch (x) { return x instanceof TypeError } })()");
      assertJs(e, "try { Object.defineProperty(Java, 'type', {value: 1}); false } catch (x) { x instanceof TypeError }");
      assertJs(e, "delete Java.type === false && typeof Java.type === 'function'");
      assertEquals(2024, e.eval("Java.type('java.time.LocalDate').of(2024, 1, 1).getYear()"));
    }

    @Test
    void prototypeTricksReachNothingJava() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(e, "Object.getPrototypeOf(Java) === Object.prototype");
      e.eval(
          "const P = Object.getPrototypeOf(Java.type('java.lang.Integer'));"
              + "try { Object.defineProperty(P, 'getClass', {get() { return 'pwned' }}) } catch (x) {}"
              + "try { Object.defineProperty(P, 'class', {get() { return 'pwned' }}) } catch (x) {}");
      assertJs(e, "try { Java.type('java.lang.Integer').class; false } catch (x) { x instanceof TypeError }");
      assertJs(
          e, "try { new (Java.type('java.util.ArrayList'))().getClass(); false } catch (x) { x instanceof TypeError }");
      assertJs(e, "typeof P.toString.call({}) === 'string' && typeof P.toString.call(null) === 'string'");
      assertJs(e, "P.constructor.constructor('return this')() === globalThis");
    }

    @Test
    void constructorChainsGiveOnlyTheJsGlobal() throws ScriptException {
      QuickJsScriptEngine e = everything();
      assertJs(e, "Java.type('java.util.ArrayList').constructor.constructor('return this')() === globalThis");
      assertJs(e, "Java.type.constructor('return this')() === globalThis");
      assertEquals(
          "undefined",
          e.eval("Java.type.constructor('return typeof j')()"),
          "the host object behind Java is not reachable from new code");
    }

    @Test
    void blockedClassesStayBlockedAfterTheScriptReplacesBuiltins() throws ScriptException {
      QuickJsScriptEngine e = everything();
      e.eval("String = (x) => x; Array.from = () => 'pwned'");
      assertJs(e, "try { Java.type('java.lang.Runtime'); false } catch (x) { x instanceof TypeError }");
      assertJs(
          e,
          "try { Java.type({toString() { return 'java.lang.Runtime' }}); false } catch (x) { x instanceof TypeError }");
    }
  }

  // ------------------------------------------------------------------ error positions

  @Nested
  class ErrorPositions {
    private QuickJsScriptEngine engineWithFile() {
      QuickJsScriptEngine e = javaEngine(n -> n.startsWith("java.lang.") || n.startsWith("java.time."));
      e.getContext().setAttribute(ScriptEngine.FILENAME, "app.js", ScriptContext.ENGINE_SCOPE);
      return e;
    }

    private void assertPointsAt(JsException ex, int line) {
      assertEquals("app.js", ex.getFileName());
      assertEquals(line, ex.getLineNumber());
      assertNotEquals("<quickjs-jsr223>", ex.getFileName());
    }

    @Test
    void filterRejectionPointsAtTheUsersLine() {
      QuickJsScriptEngine e = engineWithFile();
      JsException ex =
          assertThrows(JsException.class, () -> e.eval("let a = 1;\nlet b = 2;\nJava.type('java.util.List');"));
      assertPointsAt(ex, 3);
      assertEquals("TypeError", ex.getErrorName());
    }

    @Test
    void blockedClassPointsAtTheUsersLine() {
      QuickJsScriptEngine e = engineWithFile();
      JsException ex = assertThrows(JsException.class, () -> e.eval("\n\nJava.type('java.lang.System')"));
      assertPointsAt(ex, 3);
    }

    @Test
    void failedConversionPointsAtTheUsersLine() {
      QuickJsScriptEngine e = engineWithFile();
      JsException ex = assertThrows(JsException.class, () -> e.eval("const x = 1;\nJava.to(['a'], 'int[]')"));
      assertPointsAt(ex, 2);
    }

    @Test
    void exceptionOfAStaticMethodPointsAtTheUsersLine() {
      QuickJsScriptEngine e = engineWithFile();
      JsException ex =
          assertThrows(
              JsException.class, () -> e.eval("const I = Java.type('java.lang.Integer');\n\nI.parseInt('x')"));
      assertPointsAt(ex, 3);
      assertInstanceOf(NumberFormatException.class, ex.getCause());
    }

    @Test
    void errorCaughtInScriptsStackNamesTheUsersLine() throws ScriptException {
      QuickJsScriptEngine e = engineWithFile();
      Object stack = e.eval("let s;\ntry {\n  Java.type('java.lang.Thread')\n} catch (x) { s = x.stack }\ns");
      assertTrue(String.valueOf(stack).contains("app.js:3"), String.valueOf(stack));
    }
  }

  @Test
  void eachEngineHasItsOwnFilter() throws ScriptException {
    QuickJsScriptEngine time = javaEngine(n -> n.startsWith("java.time."));
    QuickJsScriptEngine util = javaEngine(n -> n.startsWith("java.util."));
    assertEquals(2024, time.eval("Java.type('java.time.Year').of(2024).getValue()"));
    assertThrows(JsException.class, () -> time.eval("Java.type('java.util.ArrayList')"));
    assertEquals(0, util.eval("new (Java.type('java.util.ArrayList'))().size()"));
    assertThrows(JsException.class, () -> util.eval("Java.type('java.time.Year')"));
    assertFalse(time.eval("typeof Java").equals("undefined"));
  }
}
