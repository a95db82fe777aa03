package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Heap summaries on real QuickJS: what they count, what they name, and that they run no script. */
class HeapSummaryTest {
  private static final QuickJsScriptEngineFactory FACTORY = new QuickJsScriptEngineFactory();

  static QuickJsScriptEngine engine() {
    return FACTORY.getScriptEngine(QuickJsOptions.defaults());
  }

  static HeapSummary.Entry entry(HeapSummary s, String name, String kind) {
    return s.entries().stream().filter(e -> e.name().equals(name) && e.kind().equals(kind))
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " (" + kind + ") in\n" + s));
  }

  @Test
  void theDifferenceOfTwoSummariesShowsALeakedClassGrownByExactlyTheCountLeaked() throws Exception {
    try (QuickJsScriptEngine engine = engine()) {
      engine.eval("class Leak { constructor(i) { this.i = i; this.payload = [i, i + 1]; } }\n"
          + "const cache = [];\n"
          + "function leak(n) { for (let i = 0; i < n; i++) cache.push(new Leak(i)); }");
      engine.invokeFunction("leak", 10);
      HeapSummary before = engine.heapSummary();
      assertEquals(10, before.count("Leak"), before.toString());
      engine.invokeFunction("leak", 1234);
      HeapSummary after = engine.heapSummary();
      HeapSummary grown = after.difference(before);
      assertEquals(1234, grown.count("Leak"), grown.toString());
      HeapSummary.Entry leak = entry(grown, "Leak", "Object");
      assertTrue(leak.bytes() >= 1234L * 48, "header and two property slots each at least: " + leak);
      // each Leak holds one array of two: 1234 more arrays
      assertEquals(1234, entry(grown, "Array", "Array").count(), grown.toString());
      // the leak is the largest growth
      assertTrue(grown.entries().indexOf(leak) <= 1, grown.toString());
      assertTrue(grown.toString().contains("Leak (Object)"), grown.toString());
      // nothing grows when nothing happens
      HeapSummary again = engine.heapSummary().difference(engine.heapSummary());
      assertTrue(again.entries().isEmpty(), again.toString());
    }
  }

  @Test
  void kindsNameClassesAndQuickJsOwnCells() throws Exception {
    try (QuickJsScriptEngine engine = engine()) {
      engine.eval("globalThis.keep = [new Map(), new Set(), new Error('x'), new ArrayBuffer(100000),"
          + " new Uint8Array(10), function f() {}, {}, Object.create(null)];");
      HeapSummary s = engine.heapSummary();
      for (String kind : List.of("Map", "Set", "Error", "ArrayBuffer", "Uint8Array", "Function", "Array",
          "Object", "(function bytecode)", "(shape)", "(realm)")) {
        assertTrue(s.entries().stream().anyMatch(e -> e.kind().equals(kind)), kind + " missing from\n" + s);
      }
      assertTrue(entry(s, "ArrayBuffer", "ArrayBuffer").bytes() >= 100000, s.toString());
      assertTrue(s.totals().stringCount() > 0);
      assertTrue(s.bytes() > 100000);
      List<HeapSummary.Entry> e = s.entries();
      for (int i = 1; i < e.size(); i++) {
        assertTrue(e.get(i - 1).bytes() >= e.get(i).bytes(), "sorted by bytes: " + s);
      }
    }
  }

  @Test
  void hostilePrototypesAreReadWithoutRunningJavaScript() throws Exception {
    try (QuickJsScriptEngine engine = engine()) {
      engine.eval("globalThis.ran = 0;\n"
          + "const trap = new Proxy({}, { get() { ran++; return function Trapped() {}; },"
          + "  getOwnPropertyDescriptor() { ran++; return undefined; }, has() { ran++; return true; } });\n"
          + "globalThis.viaProxy = [];\n"
          + "for (let i = 0; i < 7; i++) viaProxy.push(Object.create(trap));\n"
          + "const getterProto = {}; Object.defineProperty(getterProto, 'constructor', { get() { ran++; return function Got() {}; } });\n"
          + "globalThis.viaGetter = [];\n"
          + "for (let i = 0; i < 5; i++) viaGetter.push(Object.create(getterProto));\n"
          + "function Named() {} Object.defineProperty(Named, 'name', { get() { ran++; return 'Evil'; } });\n"
          + "globalThis.viaNameGetter = [new Named(), new Named()];\n"
          + "function Odd() {} Object.defineProperty(Odd, 'name', { value: 'Odd; \\n\\u00e9\\u4e2d' });\n"
          + "globalThis.odd = [new Odd()];");
      HeapSummary s = engine.heapSummary();
      assertEquals(0, ((Number) engine.get("ran")).intValue(), "no getter or trap ran");
      assertEquals(0, s.count("Trapped"));
      assertEquals(0, s.count("Got"));
      assertEquals(0, s.count("Evil"));
      assertEquals(1, s.count("Odd; \n\u00e9\u4e2d"), s.toString());
      // the objects are still counted, under their kind
      assertTrue(entry(s, "Object", "Object").count() >= 14, s.toString());
      assertEquals(0, ((Number) engine.eval("ran")).intValue());
    }
  }

  @Test
  void aMillionObjectsAreSummarizedAndTheEngineGoesOn() throws Exception {
    try (QuickJsScriptEngine engine = engine()) {
      engine.eval("class Many {} globalThis.all = []; for (let i = 0; i < 1000000; i++) all.push(new Many());"
          + " globalThis.classes = []; for (let i = 0; i < 20000; i++) { const C = class {}; classes.push(new C()); }");
      HeapSummary s = engine.heapSummary();
      assertEquals(1000000, s.count("Many"));
      assertEquals(20000, s.count("C"), "20,000 classes named C: one entry");
      engine.eval("all = null; classes = null");
      HeapSummary after = engine.heapSummary();
      assertEquals(-1000000, after.difference(s).count("Many"), "garbage is not counted");
      assertEquals(3, ((Number) engine.eval("1 + 2")).intValue());
    }
  }

  @Test
  void aClosedEngineRefusesASummary() {
    QuickJsScriptEngine engine = engine();
    engine.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, engine::heapSummary);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void differenceOfTheSameSummaryIsEmpty() throws Exception {
    try (QuickJsScriptEngine engine = engine()) {
      HeapSummary s = engine.heapSummary();
      HeapSummary none = s.difference(s);
      assertTrue(none.entries().isEmpty());
      assertEquals(0, none.totals().objectCount());
      assertFalse(s.entries().isEmpty());
      assertThrows(NullPointerException.class, () -> s.difference(null));
    }
  }
}
