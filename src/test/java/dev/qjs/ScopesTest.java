package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.script.Bindings;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** ENGINE_SCOPE is the global object; GLOBAL_SCOPE is the fallback; other bindings are isolated. */
class ScopesTest {
  private static final String NL = System.lineSeparator();

  private ScriptEngineManager manager;
  private ScriptEngine engine;
  private StringWriter out;

  @BeforeEach
  void setUp() {
    manager = new ScriptEngineManager();
    engine = manager.getEngineByName("quickjs");
    out = new StringWriter();
    engine.getContext().setWriter(out);
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private Bindings engineScope() {
    return engine.getBindings(ScriptContext.ENGINE_SCOPE);
  }

  @Nested
  class EngineScopeIsTheGlobalObject {
    @Test
    void topLevelVarAppearsInEngineScope() throws ScriptException {
      engine.eval("var x = 42");
      assertEquals(42, engine.get("x"));
      assertTrue(engineScope().containsKey("x"));
      assertEquals(42, engineScope().get("x"));
    }

    @Test
    void topLevelFunctionAppearsAsJsFunction() throws ScriptException {
      engine.eval("function twice(n) { return n * 2 }");
      JsFunction f = assertInstanceOf(JsFunction.class, engine.get("twice"));
      assertEquals(8, f.call(4));
    }

    @Test
    void implicitGlobalAppearsInEngineScope() throws ScriptException {
      engine.eval("(function () { implicitOne = 'made inside a function' })()");
      assertEquals("made inside a function", engine.get("implicitOne"));
    }

    @Test
    void globalThisPropertyAppearsInEngineScope() throws ScriptException {
      engine.eval("globalThis['with space'] = 1; globalThis['\u65e5\u672c'] = 2");
      assertEquals(1, engine.get("with space"));
      assertEquals(2, engine.get("\u65e5\u672c"));
    }

    @Test
    void javaPutIsAGlobalVariable() throws ScriptException {
      engine.put("fromJava", "hello");
      assertEquals("hello", engine.eval("fromJava"));
      assertEquals("hello", engine.eval("globalThis.fromJava"));
      assertEquals(true, engine.eval("Object.prototype.hasOwnProperty.call(globalThis, 'fromJava')"));
    }

    @Test
    void javaPutIsSeenLiveByAlreadyDefinedFunctions() throws Exception {
      engine.eval("function f() { return n * 2 }");
      engine.put("n", 5);
      assertEquals(10, ((Invocable) engine).invokeFunction("f"));
      engineScope().put("n", 7);
      assertEquals(14, ((Invocable) engine).invokeFunction("f"));
      JsFunction f = (JsFunction) engine.get("f");
      engine.put("n", 100);
      assertEquals(200, f.call());
    }

    @Test
    void javaPutOverwritesAScriptVar() throws ScriptException {
      engine.eval("var v = 1; function read() { return v }");
      engine.put("v", 2);
      assertEquals(2, engine.eval("read()"));
    }

    @Test
    void nullValueIsJsNull() throws ScriptException {
      engine.put("nothing", null);
      assertEquals(true, engine.eval("nothing === null"));
      assertTrue(engineScope().containsKey("nothing"));
      assertNull(engine.get("nothing"));
    }

    @Test
    void removeMakesAPutNameUndefined() throws ScriptException {
      engine.put("gone", 1);
      assertEquals(1, engineScope().remove("gone"));
      assertEquals("undefined", engine.eval("typeof gone"));
      assertFalse(engineScope().containsKey("gone"));
    }

    @Test
    void removeMakesAVarUndefined() throws ScriptException {
      engine.eval("var declared = 'here'");
      assertEquals("here", engineScope().remove("declared"));
      assertEquals("undefined", engine.eval("typeof declared"));
      assertNull(engine.get("declared"));
    }

    @Test
    void removeMakesAFunctionUndefinedForItsCallers() throws ScriptException {
      engine.eval("function helper() { return 1 } function caller() { return typeof helper }");
      engineScope().remove("helper");
      assertEquals("undefined", engine.eval("caller()"));
    }

    @Test
    void removeOfAMissingNameGivesNull() {
      assertNull(engineScope().remove("neverDefined"));
    }

    @Test
    void builtInsAreReadableButNotListed() throws ScriptException {
      assertInstanceOf(JsObject.class, engine.get("Math"));
      Set<String> keys = engineScope().keySet();
      assertFalse(keys.contains("Math"), keys.toString());
      assertFalse(keys.contains("Object"), keys.toString());
      assertFalse(keys.contains("print"), keys.toString());
    }

    @Test
    void deletingAGlobalInScriptRemovesTheBinding() throws ScriptException {
      engine.put("temp", 1);
      engine.eval("delete globalThis.temp");
      assertFalse(engineScope().containsKey("temp"));
    }
  }

  @Nested
  class GlobalScopeFallback {
    @Test
    void managerEntryVisibleWhenMissingInEngineScope() throws ScriptException {
      manager.put("fromManager", 10);
      assertEquals(10, engine.eval("fromManager"));
    }

    @Test
    void managerEntryAddedAfterEngineCreationIsVisible() throws ScriptException {
      ScriptEngine late = manager.getEngineByName("quickjs");
      try {
        manager.put("addedLater", "late");
        assertEquals("late", late.eval("addedLater"));
        assertEquals("string", late.eval("typeof addedLater"));
      } finally {
        ((QuickJsScriptEngine) late).close();
      }
    }

    @Test
    void managerEntryChangesAreSeenLiveByFunctions() throws Exception {
      manager.put("setting", 1);
      engine.eval("function readSetting() { return setting }");
      assertEquals(1, ((Invocable) engine).invokeFunction("readSetting"));
      manager.put("setting", 2);
      assertEquals(2, ((Invocable) engine).invokeFunction("readSetting"));
    }

    @Test
    void engineScopeShadowsGlobalScope() throws ScriptException {
      manager.put("shadowed", "global");
      engine.put("shadowed", "engine");
      assertEquals("engine", engine.eval("shadowed"));
      engineScope().remove("shadowed");
      assertEquals("global", engine.eval("shadowed"));
    }

    @Test
    void nameMissingInBothScopesIsAReferenceError() throws ScriptException {
      assertEquals("undefined", engine.eval("typeof missingEverywhere"));
      JsException e = assertThrows(JsException.class, () -> engine.eval("missingEverywhere"));
      assertEquals("ReferenceError", e.getErrorName());
    }

    @Test
    void contextAttributeLookupFindsTheRightScope() {
      manager.put("onlyGlobal", 1);
      engine.put("onlyEngine", 2);
      ScriptContext ctx = engine.getContext();
      assertEquals(ScriptContext.GLOBAL_SCOPE, ctx.getAttributesScope("onlyGlobal"));
      assertEquals(ScriptContext.ENGINE_SCOPE, ctx.getAttributesScope("onlyEngine"));
      assertEquals(1, ctx.getAttribute("onlyGlobal"));
      assertEquals(2, ctx.getAttribute("onlyEngine"));
    }

    @Test
    void engineScopeGetSeesOnlyItsOwnNames() throws ScriptException {
      manager.put("onlyGlobal", 1);
      assertFalse(engineScope().containsKey("onlyGlobal"));
      assertNull(engineScope().get("onlyGlobal"));
      assertNull(engine.get("onlyGlobal"));
      assertNull(engine.get("toString"));
      assertNull(engineScope().remove("hasOwnProperty"));
      assertEquals("function", engine.eval("typeof hasOwnProperty"));
      assertEquals(1, engine.eval("onlyGlobal"));
    }

    @Test
    void globalScopeNamesAreNotCopiedIntoEngineScope() throws ScriptException {
      manager.put("readOnly", 1);
      engine.eval("readOnly");
      assertFalse(engineScope().containsKey("readOnly"));
    }

    @Test
    void assignmentToAGlobalScopeNameCreatesAnEngineScopeName() throws ScriptException {
      manager.put("assigned", 1);
      engine.eval("assigned = 2");
      assertEquals(2, engine.get("assigned"));
      assertEquals(1, manager.get("assigned"));
    }

    @Test
    void missingGlobalScopeIsTolerated() throws ScriptException {
      engine.getContext().setBindings(null, ScriptContext.GLOBAL_SCOPE);
      assertEquals("undefined", engine.eval("typeof anything"));
      assertEquals(3, engine.eval("1 + 2"));
    }

    @Test
    void contextGlobalScopeIsUsedForContextEval() throws ScriptException {
      SimpleScriptContext ctx = new SimpleScriptContext();
      SimpleBindings global = new SimpleBindings();
      global.put("contextGlobal", "cg");
      ctx.setBindings(global, ScriptContext.GLOBAL_SCOPE);
      ctx.setWriter(new StringWriter());
      assertEquals("cg", engine.eval("contextGlobal", ctx));
      manager.put("managerOnly", 1);
      assertEquals("undefined", engine.eval("typeof managerOnly", ctx));
    }
  }

  @Nested
  class CreatedBindings {
    @Test
    void createBindingsIsANewIsolatedGlobal() throws ScriptException {
      engine.eval("var inDefault = 1");
      Bindings b = engine.createBindings();
      assertNotSame(engineScope(), b);
      assertEquals("undefined", engine.eval("typeof inDefault", b));
      engine.eval("var inCreated = 2", b);
      assertEquals(2, b.get("inCreated"));
      assertEquals("undefined", engine.eval("typeof inCreated"));
      assertNull(engine.get("inCreated"));
    }

    @Test
    void createdBindingsHaveTheirOwnBuiltIns() throws ScriptException {
      Bindings b = engine.createBindings();
      engine.eval("Array.prototype.polluted = 'yes'", b);
      assertEquals("undefined", engine.eval("typeof [].polluted"));
      assertEquals("yes", engine.eval("[].polluted", b));
    }

    @Test
    void createdBindingsPrintToTheEngineWriter() throws ScriptException {
      Bindings b = engine.createBindings();
      engine.eval("print(typeof Math, 1 + 1)", b);
      assertEquals("object 2" + NL, out.toString());
    }

    @Test
    void createdBindingsFallBackToTheManagerGlobals() throws ScriptException {
      manager.put("shared", "from manager");
      Bindings b = engine.createBindings();
      assertEquals("from manager", engine.eval("shared", b));
    }

    @Test
    void createdBindingsPutIsAGlobalThere() throws ScriptException {
      Bindings b = engine.createBindings();
      b.put("k", 5);
      assertEquals(10, engine.eval("k * 2", b));
      assertEquals("undefined", engine.eval("typeof k"));
    }

    @Test
    void twoCreatedBindingsAreIsolatedFromEachOther() throws ScriptException {
      Bindings b1 = engine.createBindings();
      Bindings b2 = engine.createBindings();
      engine.eval("var which = 'one'", b1);
      engine.eval("var which = 'two'", b2);
      assertEquals("one", engine.eval("which", b1));
      assertEquals("two", engine.eval("which", b2));
    }
  }

  @Nested
  class ForeignBindingsAndContexts {
    @Test
    void simpleBindingsEntriesAreGlobals() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      sb.put("a", 2);
      assertEquals(6, engine.eval("a * 3", sb));
    }

    @Test
    void simpleBindingsDoNotSeeEngineGlobals() throws ScriptException {
      engine.eval("var secret = 1");
      engine.put("alsoSecret", 2);
      SimpleBindings sb = new SimpleBindings();
      assertEquals("undefined", engine.eval("typeof secret", sb));
      assertEquals("undefined", engine.eval("typeof alsoSecret", sb));
    }

    @Test
    void scriptGlobalsShowUpInSimpleBindingsAfterwards() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      engine.eval("var made = 'yes'; function fn() { return 7 } implicit = true", sb);
      assertEquals("yes", sb.get("made"));
      assertEquals(true, sb.get("implicit"));
      JsFunction fn = assertInstanceOf(JsFunction.class, sb.get("fn"));
      assertEquals(7, fn.call());
      assertNull(engine.get("made"));
      assertEquals("undefined", engine.eval("typeof made"));
    }

    @Test
    void scriptChangesToExistingEntriesAreWrittenBack() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      sb.put("counter", 1);
      engine.eval("counter++", sb);
      assertEquals(2, sb.get("counter"));
    }

    @Test
    void deleteInScriptRemovesTheSimpleBindingsEntry() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      sb.put("doomed", 1);
      engine.eval("delete globalThis.doomed", sb);
      assertFalse(sb.containsKey("doomed"));
    }

    @Test
    void javaChangesBetweenEvalsAreSeen() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      sb.put("k", 1);
      assertEquals(1, engine.eval("k", sb));
      sb.put("k", 2);
      assertEquals(2, engine.eval("k", sb));
    }

    @Test
    void javaRemovalBetweenEvalsIsSeen() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      sb.put("k", 1);
      assertEquals(1, engine.eval("k", sb));
      sb.remove("k");
      assertEquals("undefined", engine.eval("typeof k", sb));
      assertFalse(sb.containsKey("k"));
    }

    @Test
    void functionsDefinedInSimpleBindingsKeepTheirGlobals() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      engine.eval("var base = 10; function plus(x) { return base + x }", sb);
      sb.put("base", 20);
      assertEquals(25, engine.eval("plus(5)", sb));
    }

    @Test
    void simpleBindingsEvalPrintsToTheEngineWriter() throws ScriptException {
      engine.eval("print('via bindings')", new SimpleBindings());
      assertEquals("via bindings" + NL, out.toString());
    }

    @Test
    void simpleScriptContextUsesItsOwnWriters() throws ScriptException {
      SimpleScriptContext ctx = new SimpleScriptContext();
      StringWriter ctxOut = new StringWriter();
      StringWriter ctxErr = new StringWriter();
      ctx.setWriter(ctxOut);
      ctx.setErrorWriter(ctxErr);
      engine.eval("print('out'); console.log('log'); console.error('err'); console.warn('warn')", ctx);
      assertEquals("out" + NL + "log" + NL, ctxOut.toString());
      assertEquals("err" + NL + "warn" + NL, ctxErr.toString());
      assertEquals("", out.toString());
    }

    @Test
    void simpleScriptContextIsIsolatedInBothDirections() throws ScriptException {
      engine.put("engineOnly", 1);
      SimpleScriptContext ctx = new SimpleScriptContext();
      ctx.setWriter(new StringWriter());
      assertEquals("undefined", engine.eval("typeof engineOnly", ctx));
      engine.eval("var contextOnly = 2", ctx);
      assertNull(engine.get("contextOnly"));
      assertEquals("undefined", engine.eval("typeof contextOnly"));
      assertEquals(2, ctx.getAttribute("contextOnly"));
      assertEquals(2, ctx.getBindings(ScriptContext.ENGINE_SCOPE).get("contextOnly"));
    }

    @Test
    void simpleBindingsAsEngineScopeOfTheEngineItself() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      engine.setBindings(sb, ScriptContext.ENGINE_SCOPE);
      engine.put("p", 3);
      assertEquals(3, sb.get("p"));
      assertEquals(4, engine.eval("p + 1"));
      engine.eval("var q = 5");
      assertEquals(5, sb.get("q"));
      assertEquals(5, engine.get("q"));
    }

    @Test
    void hostKeysInSimpleBindingsStayOutOfJsAndSurvive() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      sb.put("quickjs.hidden", "h");
      sb.put(ScriptEngine.FILENAME, "foreign.js");
      assertEquals("undefined", engine.eval("typeof globalThis['quickjs.hidden']", sb));
      assertEquals(false, engine.eval("'javax.script.filename' in globalThis", sb));
      assertEquals("h", sb.get("quickjs.hidden"));
      assertEquals("foreign.js", sb.get(ScriptEngine.FILENAME));
    }

    @Test
    void bindingsOfAnotherEngineCanBeUsedAsEngineScope() throws Exception {
      ScriptEngine other = manager.getEngineByName("quickjs");
      try {
        other.eval("var shared = 5");
        Bindings otherScope = other.getBindings(ScriptContext.ENGINE_SCOPE);
        assertEquals(6, engine.eval("shared + 1", otherScope));
        engine.eval("var fromThis = 'x'", otherScope);
        assertEquals("x", other.eval("fromThis"));
        assertEquals("undefined", engine.eval("typeof fromThis"));
      } finally {
        ((AutoCloseable) other).close();
      }
    }

    @Test
    void emptyNamedGlobalDoesNotBreakTheSyncBack() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      engine.eval("globalThis[''] = 'empty'; var normal = 1", sb);
      assertEquals(1, sb.get("normal"));
      assertEquals("empty", engine.eval("globalThis['']", sb));
    }

    @Test
    void nullBindingsOrContextIsRejected() {
      assertThrows(NullPointerException.class, () -> engine.eval("1", (Bindings) null));
      assertThrows(NullPointerException.class, () -> engine.eval("1", (ScriptContext) null));
    }
  }

  @Nested
  class SetBindings {
    @Test
    void setBindingsSwapsGlobals() throws ScriptException {
      Bindings original = engineScope();
      engine.eval("var x = 'original'");
      Bindings fresh = engine.createBindings();
      engine.setBindings(fresh, ScriptContext.ENGINE_SCOPE);
      assertEquals("undefined", engine.eval("typeof x"));
      engine.eval("var x = 'fresh'");
      engine.setBindings(original, ScriptContext.ENGINE_SCOPE);
      assertEquals("original", engine.eval("x"));
      assertEquals("fresh", fresh.get("x"));
    }

    @Test
    void setGlobalScopeBindingsReplacesTheFallback() throws ScriptException {
      manager.put("fallback", "manager");
      SimpleBindings mine = new SimpleBindings();
      mine.put("fallback", "mine");
      engine.setBindings(mine, ScriptContext.GLOBAL_SCOPE);
      assertEquals("mine", engine.eval("fallback"));
    }

    @Test
    void nullEngineScopeIsRejected() {
      assertThrows(NullPointerException.class, () -> engine.setBindings(null, ScriptContext.ENGINE_SCOPE));
    }

    @Test
    void unknownScopeIsRejected() {
      assertThrows(IllegalArgumentException.class, () -> engine.setBindings(new SimpleBindings(), 42));
    }
  }

  @Nested
  class HostKeys {
    @Test
    void quickjsPrefixedKeyIsABindingButNeverAGlobal() throws ScriptException {
      Bindings b = engineScope();
      b.put("quickjs.option", 1);
      assertEquals(1, b.get("quickjs.option"));
      assertTrue(b.containsKey("quickjs.option"));
      assertTrue(b.keySet().contains("quickjs.option"));
      assertEquals("undefined", engine.eval("typeof globalThis['quickjs.option']"));
      assertEquals(false, engine.eval("'quickjs.option' in globalThis"));
      assertEquals(false, engine.eval("Object.keys(globalThis).includes('quickjs.option')"));
    }

    @Test
    void javaxScriptKeyIsABindingButNeverAGlobal() throws ScriptException {
      engine.put(ScriptEngine.FILENAME, "named.js");
      engine.put("javax.script.custom", "c");
      assertEquals("named.js", engine.get(ScriptEngine.FILENAME));
      assertTrue(engineScope().containsKey("javax.script.custom"));
      assertEquals("undefined", engine.eval("typeof globalThis['javax.script.filename']"));
      assertEquals("undefined", engine.eval("typeof globalThis['javax.script.custom']"));
    }

    @Test
    void hostKeysInManagerGlobalsAreNeverGlobals() throws ScriptException {
      manager.put("quickjs.fromManager", 1);
      manager.put("javax.script.fromManager", 2);
      assertEquals("undefined", engine.eval("typeof globalThis['quickjs.fromManager']"));
      assertEquals("undefined", engine.eval("typeof globalThis['javax.script.fromManager']"));
    }

    @Test
    void scriptCannotOverwriteAHostKey() throws ScriptException {
      engine.put(ScriptEngine.FILENAME, "real.js");
      engine.eval("globalThis['javax.script.filename'] = 'evil.js'");
      assertEquals("real.js", engine.get(ScriptEngine.FILENAME));
      JsException e = assertThrows(JsException.class, () -> engine.eval("null.x"));
      assertEquals("real.js", e.getFileName());
    }

    @Test
    void hostKeyRemovalRemovesOnlyTheSetting() {
      engine.put("quickjs.x", "v");
      assertEquals("v", engineScope().remove("quickjs.x"));
      assertFalse(engineScope().containsKey("quickjs.x"));
    }

    @Test
    void namesThatOnlyLookLikeHostKeysAreGlobals() throws ScriptException {
      engine.put("quickjs", 1);
      engine.put("quickjsx", 2);
      engine.put("javax", 3);
      assertEquals(6, engine.eval("quickjs + quickjsx + javax"));
    }
  }

  @Nested
  class KeyContract {
    private void checkContract(Bindings b) {
      assertThrows(NullPointerException.class, () -> b.put(null, 1));
      assertThrows(NullPointerException.class, () -> b.get(null));
      assertThrows(NullPointerException.class, () -> b.containsKey(null));
      assertThrows(NullPointerException.class, () -> b.remove(null));
      assertThrows(IllegalArgumentException.class, () -> b.put("", 1));
      assertThrows(IllegalArgumentException.class, () -> b.get(""));
      assertThrows(IllegalArgumentException.class, () -> b.containsKey(""));
      assertThrows(IllegalArgumentException.class, () -> b.remove(""));
      assertThrows(ClassCastException.class, () -> b.get(42));
      assertThrows(ClassCastException.class, () -> b.containsKey(new Object()));
      assertThrows(ClassCastException.class, () -> b.remove(4.2));
      Map<String, Object> withNullKey = new HashMap<>();
      withNullKey.put(null, 1);
      assertThrows(NullPointerException.class, () -> b.putAll(withNullKey));
      assertThrows(IllegalArgumentException.class, () -> b.putAll(Map.of("", 1)));
    }

    @Test
    void engineBindingsEnforceTheKeyContract() {
      checkContract(engineScope());
    }

    @Test
    void createdBindingsEnforceTheKeyContract() {
      checkContract(engine.createBindings());
    }

    @Test
    void engineGetAndPutEnforceTheKeyContract() {
      assertThrows(NullPointerException.class, () -> engine.put(null, 1));
      assertThrows(NullPointerException.class, () -> engine.get(null));
      assertThrows(IllegalArgumentException.class, () -> engine.put("", 1));
      assertThrows(IllegalArgumentException.class, () -> engine.get(""));
    }

    @Test
    void rejectedKeysLeaveNoTrace() throws ScriptException {
      Bindings b = engineScope();
      int before = b.size();
      assertThrows(IllegalArgumentException.class, () -> b.put("", 1));
      assertEquals(before, b.size());
      assertEquals("undefined", engine.eval("typeof globalThis['']"));
    }

    @Test
    void oddButValidKeysWork() throws ScriptException {
      Bindings b = engineScope();
      String[] keys = {" ", "with space", "\u00e9t\u00e9", "\uD83D\uDE00", "\uD800", "a.b", "0", "-1", "constructor"};
      for (int i = 0; i < keys.length; i++) {
        b.put(keys[i], i);
      }
      for (int i = 0; i < keys.length; i++) {
        assertEquals(i, b.get(keys[i]), keys[i]);
        assertTrue(b.containsKey(keys[i]), keys[i]);
        engine.put("probe", keys[i]);
        assertEquals(i, engine.eval("globalThis[probe]"), keys[i]);
      }
    }

    @Test
    void protoKeyIsAnOrdinaryGlobalAndKeepsTheFallback() throws ScriptException {
      manager.put("stillThere", "yes");
      Object proto = engine.eval("Object.getPrototypeOf(globalThis)");
      for (Object hostile : new Object[] {null, "just a value", engine.eval("({ injected: 1 })")}) {
        engineScope().put("__proto__", hostile);
        assertEquals("yes", engine.eval("stillThere"));
        assertEquals("function", engine.eval("typeof hasOwnProperty"));
        assertEquals("undefined", engine.eval("typeof injected"));
        assertEquals(proto, engine.eval("Object.getPrototypeOf(globalThis)"));
        assertEquals(hostile, engineScope().get("__proto__"));
        assertTrue(engineScope().containsKey("__proto__"));
      }
    }

    @Test
    void protoKeyInSimpleBindingsIsAnOrdinaryGlobal() throws ScriptException {
      manager.put("stillThere", "yes");
      SimpleBindings sb = new SimpleBindings();
      sb.put("__proto__", null);
      sb.put("other", 1);
      assertEquals("yes 1 function", engine.eval("stillThere + ' ' + other + ' ' + typeof hasOwnProperty", sb));
      assertTrue(sb.containsKey("__proto__"));
    }

    @Test
    void hugeKeyAndValueWork() throws ScriptException {
      String key = "k".repeat(100_000);
      String value = "v".repeat(10_000_000);
      engineScope().put(key, value);
      assertEquals(value, engineScope().get(key));
      engine.put("keyName", key);
      assertEquals(10_000_000, engine.eval("globalThis[keyName].length"));
    }
  }

  @Nested
  class Views {
    @Test
    void freshEngineScopeListsNoBuiltIns() {
      assertEquals(0, engineScope().size());
      assertTrue(engineScope().isEmpty());
    }

    @Test
    void keySetEntrySetAndSizeAgree() throws ScriptException {
      engine.eval("var a = 1; function b() {} c = 'three'");
      engine.put("d", 4.5);
      engine.put("quickjs.e", "setting");
      Bindings b = engineScope();
      Set<String> keys = b.keySet();
      assertTrue(keys.containsAll(Set.of("a", "b", "c", "d", "quickjs.e")), keys.toString());
      assertEquals(5, b.size());
      assertEquals(b.size(), keys.size());
      assertEquals(b.size(), b.entrySet().size());
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : b.entrySet()) {
        copy.put(e.getKey(), e.getValue());
      }
      assertEquals(1, copy.get("a"));
      assertInstanceOf(JsFunction.class, copy.get("b"));
      assertEquals("three", copy.get("c"));
      assertEquals(4.5, copy.get("d"));
      assertEquals("setting", copy.get("quickjs.e"));
    }

    @Test
    void keysKeepDefinitionOrder() throws ScriptException {
      engine.put("first", 1);
      engine.put("second", 2);
      engine.eval("third = 3");
      assertEquals(java.util.List.of("first", "second", "third"), new java.util.ArrayList<>(engineScope().keySet()));
    }

    @Test
    void entrySetValueWritesThrough() throws ScriptException {
      engine.put("w", 1);
      for (Map.Entry<String, Object> e : engineScope().entrySet()) {
        if (e.getKey().equals("w")) {
          e.setValue(99);
        }
      }
      assertEquals(99, engine.eval("w"));
    }

    @Test
    void keySetIteratorRemovalWritesThrough() throws ScriptException {
      engine.put("keep", 1);
      engine.put("drop", 2);
      for (Iterator<String> it = engineScope().keySet().iterator(); it.hasNext(); ) {
        if (it.next().equals("drop")) {
          it.remove();
        }
      }
      assertEquals("undefined", engine.eval("typeof drop"));
      assertEquals(1, engine.eval("keep"));
    }

    @Test
    void clearEmptiesTheGlobals() throws ScriptException {
      engine.eval("var a = 1; b = 2; function c() {}");
      engine.put("quickjs.s", 1);
      engineScope().clear();
      assertEquals("undefined undefined undefined", engine.eval("[typeof a, typeof b, typeof c].join(' ')"));
      assertFalse(engineScope().containsKey("quickjs.s"));
      assertEquals(2, engine.eval("1 + 1"));
    }

    @Test
    void putAllAddsEveryEntry() throws ScriptException {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("p1", 1);
      m.put("p2", "two");
      m.put("quickjs.p3", 3);
      engineScope().putAll(m);
      assertEquals("1two", engine.eval("p1 + p2"));
      assertEquals(3, engineScope().get("quickjs.p3"));
    }

    @Test
    void bindingsIsTheSameObjectEachTime() {
      assertSame(engineScope(), engineScope());
    }
  }
}
