package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import javax.script.Bindings;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A record's accessors and the stable calls of the JDK's unmodifiable collections ({@code
 * List.of}, {@code Map.of}...) are made once per JavaScript wrapper: the shim keeps the results,
 * and the first call on an immutable object brings the others along. What a script sees must
 * not change otherwise: mutable objects and views are read every time, copies are fresh, a map's
 * entry still shadows a method, a throwing accessor still throws, and a host id given to another
 * object never answers with the old object's values.
 */
class ImmutableReadOnceTest {
  private ScriptEngine engine;
  private Invocable invocable;

  /** A record whose accessor {@code a()} counts its calls. */
  public record Counted(int a, String b, AtomicInteger calls) {
    @Override
    public int a() {
      calls.incrementAndGet();
      return a;
    }
  }

  /** A record whose accessor throws until told not to. */
  public record Flaky(String name, AtomicInteger failures) {
    @Override
    public String name() {
      if (failures.getAndDecrement() > 0) {
        throw new IllegalStateException("not yet");
      }
      return name;
    }
  }

  /** A record of values JavaScript receives as copies or as mutable objects. */
  public record Holder(byte[] bytes, List<String> names, Map<String, Object> counts) {}

  /** A model of immutable parts. */
  public record Model(String name, List<Item> items, Map<String, Object> attributes, Set<String> tags) {}

  /** A record with a component scripts may not see. */
  public record WithClass(Class<?> type) {}

  /** A record whose accessor {@code x()} has another thread call a script function of the same engine. */
  public record Waits(int x, int y, Supplier<?> script, AtomicInteger calls) {
    @Override
    public int x() {
      calls.incrementAndGet();
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        return ((Number) pool.submit(script::get).get(5, java.util.concurrent.TimeUnit.SECONDS)).intValue();
      } catch (Exception e) {
        throw new IllegalStateException("the other thread's script function did not run", e);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** A record of a number, for many of them. */
  public record Item(int n) {}

  @BeforeEach
  void setUp() {
    engine = new ScriptEngineManager().getEngineByName("quickjs");
    invocable = (Invocable) engine;
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private Object call(String function, Object... args) throws Exception {
    return invocable.invokeFunction(function, args);
  }

  @Test
  void aRecordAccessorCalledThreeTimesInAScriptRunsOnce() throws Exception {
    engine.eval("function f(o) { return o.a() + o.a() + o.b() + o.a() }");
    Counted c = new Counted(5, "x", new AtomicInteger());
    assertEquals("10x5", call("f", c));
    assertEquals(1, c.calls().get());
  }

  @Test
  void eachCallOfTheScriptSeesTheRecordAgain() throws Exception {
    // the wrapper dies with the call: the next call reads the accessor once more
    engine.eval("function f(o) { return o.a() + o.a() }");
    Counted c = new Counted(2, "x", new AtomicInteger());
    assertEquals(4, ((Number) call("f", c)).intValue());
    assertEquals(4, ((Number) call("f", c)).intValue());
    assertEquals(2, c.calls().get());
  }

  @Test
  void theResultsOfAnImmutableModelAreTheJavaValues() throws Exception {
    engine.eval("function f(o) {"
        + " var l = o.items(), m = o.attributes(), s = 0;"
        + " for (var i = 0; i < l.size(); i++) s += l.get(i).n();"
        + " return [s, l.size(), l.isEmpty(), l.contains(2), m.get('k'), m.get('missing'),"
        + "   m.containsKey('k'), m.containsKey('nope'), m.size(), o.tags().contains('b'), o.name()].join();"
        + "}");
    Model m = new Model("m", List.of(new Item(1), new Item(2), new Item(3)), Map.of("k", "v", "n", 7),
        Set.of("a", "b"));
    String expected = "6,3,false,false,v,,true,false,2,true,m";
    assertEquals(expected, call("f", m));
    assertEquals(expected, call("f", m), "the same again, with a new wrapper");
  }

  @Test
  void aMutableListIsReadAfterEveryChange() throws Exception {
    engine.eval("function f(list, add) { var a = list.size(); add.run(); var b = list.size(); return a + ',' + b }");
    List<String> backing = new ArrayList<>(List.of("x"));
    assertEquals("1,2", call("f", backing, (Runnable) () -> backing.add("y")));
    List<String> view = Collections.unmodifiableList(backing);
    assertEquals("2,3", call("f", view, (Runnable) () -> backing.add("z")),
        "an unmodifiable view changes with its list");
  }

  @Test
  void aMutableObjectFromARecordIsTheSameObjectAndItsChangesShow() throws Exception {
    engine.eval("function f(h) { h.names().add('b'); h.counts().put('a', h.counts().size() + 1);"
        + " return [h.names() === h.names(), h.names().size(), h.counts().get('a')].join() }");
    Holder h = new Holder(new byte[] {1}, new ArrayList<>(List.of("a")), new HashMap<>());
    assertEquals("true,2,1", call("f", h));
    assertEquals("true,3,2", call("f", h));
  }

  @Test
  void aCopyAScriptChangesIsNotWhatTheNextCallReturns() throws Exception {
    engine.eval("function f(h) { var b = h.bytes(); b[0] = 9; return h.bytes()[0] }");
    assertEquals(1, ((Number) call("f", new Holder(new byte[] {1}, List.of(), Map.of()))).intValue());
  }

  @Test
  void anAccessorThatThrowsThrowsAtTheScriptsCallAndIsCalledAgain() throws Exception {
    engine.eval("function f(o) { var r = []; for (var i = 0; i < 3; i++) {"
        + " try { r.push(o.name()) } catch (e) { r.push('threw') } } return r.join() }");
    assertEquals("threw,threw,n", call("f", new Flaky("n", new AtomicInteger(2))));
  }

  @Test
  void aMapEntryNamedLikeAMethodStillShadowsIt() throws Exception {
    engine.eval("function f(m) { return m.size() + ',' + m.size() + ',' + m.get('a') }");
    Map<String, Object> m = Map.of("size", (Supplier<Object>) () -> "entry", "a", 1);
    assertEquals("entry,entry,1", call("f", m));
  }

  @Test
  void stringAndNumberArgumentsAreDifferentKeys() throws Exception {
    engine.eval("function f(m, l) { return [m.get('1'), m.get(1), m.get('1'), l.get(1), l.indexOf('b'),"
        + " l.indexOf(1)].join() }");
    assertEquals("one,,one,b,1,-1", call("f", Map.of("1", "one"), List.of("a", "b")));
  }

  @Test
  void aHostIdGivenToAnotherRecordAnswersWithTheNewRecord() throws Exception {
    engine.eval("function f(o) { return o.n() + o.n() }");
    for (int i = 0; i < 2_000; i++) {
      assertEquals(2 * i, ((Number) call("f", new Item(i))).intValue());
    }
  }

  @Test
  void aRecordKeptByTheScriptKeepsItsValuesAndOthersGetTheirOwn() throws Exception {
    engine.eval("var kept = []; function keep(o) { kept.push(o); return o.n() }"
        + " function sum() { var s = 0; for (var i = 0; i < kept.length; i++) s += kept[i].n(); return s }");
    for (int i = 1; i <= 100; i++) {
      call("keep", new Item(i));
    }
    assertEquals(5050, ((Number) call("sum")).intValue());
    engine.eval("kept = []");
    call("keep", new Item(7));
    assertEquals(7, ((Number) call("sum")).intValue());
  }

  @Test
  void aHugeImmutableListIsReadCorrectlyWithBoundedMemory() throws Exception {
    List<Item> items = IntStream.range(0, 200_000).mapToObj(Item::new).toList();
    engine.eval("function sum(l) { var s = 0; for (var i = 0; i < l.size(); i++) s += l.get(i).n() + l.get(i).n(); return s }");
    long expected = 2L * 199_999 * 200_000 / 2;
    assertEquals(expected, ((Number) call("sum", items)).longValue());
    assertEquals(expected, ((Number) call("sum", items)).longValue());
  }

  @Test
  void deeplyNestedImmutableListsCrossWithinTheBudget() throws Exception {
    Object nested = List.of();
    for (int i = 0; i < 10_000; i++) {
      nested = List.of(nested);
    }
    engine.eval("function depth(l) { var d = 0; while (l.size() > 0) { l = l.get(0); d++ } return d }");
    assertEquals(10_000, ((Number) call("depth", nested)).intValue());
  }

  @Test
  void eachRealmKnowsItsOwnWrappers() throws Exception {
    engine.eval("function f(o) { return o.a() + o.b() }");
    Counted c = new Counted(1, "y", new AtomicInteger());
    ScriptContext other = new SimpleScriptContext();
    Bindings scope = engine.createBindings();
    other.setBindings(scope, ScriptContext.ENGINE_SCOPE);
    engine.eval("function f(o) { return o.b() + o.a() + o.a() }", other);
    scope.put("o", c);
    assertEquals("y11", engine.eval("f(o)", other));
    assertEquals("1y", call("f", c));
    assertEquals(2, c.calls().get());
  }

  @Test
  void aRecordOfABlockedTypeIsStillRefused() {
    ScriptException e = assertThrows(ScriptException.class, () -> {
      engine.eval("function f(o) { return o.type() }");
      call("f", new WithClass(String.class));
    });
    assertTrue(e.getMessage().contains("not accessible"), e.getMessage());
  }

  @Test
  void anImmutableRecordReturnedFromAMethodBringsItsValues() throws Exception {
    engine.eval("function f(s) { var o = s.get(); return o.a() + o.a() + o.b() }");
    Counted c = new Counted(3, "z", new AtomicInteger());
    assertEquals("6z", call("f", (Supplier<Counted>) () -> c));
    assertNotEquals(0, c.calls().get());
    assertEquals(1, c.calls().get());
  }

  @Test
  void manyEnginesAndThreadsReadImmutableModelsConcurrently() throws Exception {
    List<Thread> threads = new ArrayList<>();
    Map<Integer, Throwable> failures = new HashMap<>();
    for (int t = 0; t < 4; t++) {
      int seed = t;
      threads.add(new Thread(() -> {
        try {
          for (int i = 0; i < 200; i++) {
            Object r = call("f", new Counted(seed + i, "s", new AtomicInteger()));
            assertEquals((seed + i) * 2 + "s", r);
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.put(seed, e);
          }
        }
      }));
    }
    engine.eval("function f(o) { return o.a() + o.a() + o.b() }");
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(failures.isEmpty(), () -> failures.toString());
  }

  @Test
  void aRecordComponentReadAsAPropertyIsReadOnceAndTheAccessorCallSharesIt() throws Exception {
    engine.eval("function f(o) { return o.a + o.a + o.b + o.a() + o.a }");
    Counted c = new Counted(4, "x", new AtomicInteger());
    assertEquals("8x44", call("f", c));
    assertEquals(1, c.calls().get());
  }

  @Test
  void aNestedImmutableModelReadWithPropertiesGivesTheJavaValues() throws Exception {
    engine.eval("function f(o) { var s = 0;"
        + " for (var i = 0; i < o.items.length; i++) s += o.items[i].n;"
        + " return [s, o.items.length, o.items[5], o.attributes.k, o.attributes.n, o.attributes.missing,"
        + "   typeof o.attributes.get, o.name, o.tags.size()].join() }");
    Model m = new Model("m", List.of(new Item(1), new Item(2), new Item(3)), Map.of("k", "v", "n", 7),
        Set.of("a"));
    String expected = "6,3,,v,7,,function,m,1";
    assertEquals(expected, call("f", m));
    assertEquals(expected, call("f", m));
  }

  @Test
  void aMapEntryReadAsAPropertyAfterItsGetIsTheEntry() throws Exception {
    engine.eval("function f(m) { return [m.get('a'), m.a, m.size(), typeof m.size, m.get('nope'), m.nope].join() }");
    assertEquals("1,1,1,function,,", call("f", Map.of("a", 1)));
  }

  @Test
  void aMutableBeanPropertyIsReadEveryTime() throws Exception {
    engine.eval("function f(l, add) { var a = l.length; add.run(); return a + ',' + l.length + ',' + l[a] }");
    List<String> backing = new ArrayList<>(List.of("x"));
    assertEquals("1,2,y", call("f", backing, (Runnable) () -> backing.add("y")));
  }

  @Test
  void anAccessorCalledAheadMayWaitForAnotherThreadsScriptOnTheSameEngine() throws Exception {
    // o.y() brings x() along; x() waits for a script function called on another thread, which
    // runs on top of this call because the runtime is lent meanwhile (else x() would fail ahead
    // and run again at the script's own call)
    engine.eval("function get() { return 42 } function f(o) { return o.y() + o.x() + o.x() }");
    Supplier<?> script = invocable.getInterface(Supplier.class);
    Waits w = new Waits(0, 1, script, new AtomicInteger());
    assertEquals(85, ((Number) call("f", w)).intValue());
    assertEquals(1, w.calls().get());
  }
}
