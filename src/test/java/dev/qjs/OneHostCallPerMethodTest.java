package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code obj.m(...)} on a Java object is one host call once the shim has seen {@code m} on an
 * object of the same class (the realm keeps one function per class and name): what a script
 * sees must not change — overloads still chosen per call, a map's entry still shadows a method
 * of its name, a missing method still named in a TypeError, and property names decoded once
 * still tell apart names whose hashes collide.
 */
class OneHostCallPerMethodTest {
  private ScriptEngine engine;
  private Invocable invocable;

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
  void aMapEntryShadowsTheMethodOfItsNameAfterAnotherMapOfTheClassCalledTheMethod() throws Exception {
    engine.eval("function size(m) { return m.size() }");
    Map<String, Object> plain = new HashMap<>(Map.of("a", 1, "b", 2));
    Map<String, Object> shadowing = new HashMap<>();
    shadowing.put("size", (Supplier<Object>) () -> "the entry");
    assertEquals(2, ((Number) call("size", plain)).intValue());
    assertEquals("the entry", call("size", shadowing));
    assertEquals(2, ((Number) call("size", plain)).intValue(), "the method again for a map without the entry");
    shadowing.remove("size");
    assertEquals(0, ((Number) call("size", shadowing)).intValue(), "the entry is gone: the method");
  }

  @Test
  void anEntryThatIsNotAFunctionShadowingAMethodIsATypeError() throws Exception {
    engine.eval("function size(m) { return m.size() }");
    call("size", new HashMap<>(Map.of("a", 1)));
    JsException e = assertThrows(JsException.class, () -> call("size", new HashMap<>(Map.of("size", 3))));
    assertEquals("TypeError", e.getErrorName(), e.getMessage());
  }

  @Test
  void aMapWhoseKeysAreNumbersCallsItsMethods() throws Exception {
    engine.eval("function get(m, k) { return m.get(k) + m.size() }");
    TreeMap<Integer, Integer> numbers = new TreeMap<>(Map.of(1, 10, 2, 20));
    for (int i = 0; i < 3; i++) {
      assertEquals(12, ((Number) call("get", numbers, 1)).intValue());
    }
  }

  /** Overloads of one name. */
  public static final class Overloaded {
    public String m(int i) {
      return "int" + i;
    }

    public String m(double d) {
      return "double" + d;
    }

    public String m(String s) {
      return "String" + s;
    }

    public String m(boolean b) {
      return "boolean" + b;
    }
  }

  @Test
  void overloadsAreStillChosenPerCallWhenTheMethodIsKept() throws Exception {
    engine.eval("function build(o) { var s = []; for (var i = 0; i < 3; i++) { s.push(o.m(i), o.m('x'), o.m(true), o.m(1.5)) } return s.join() }");
    String once = "int%d,Stringx,booleantrue,double1.5";
    String expected = String.join(",", once.formatted(0), once.formatted(1), once.formatted(2));
    assertEquals(expected, call("build", new Overloaded()));
    assertEquals(expected, call("build", new Overloaded()));
  }

  @Test
  void aMissingMethodIsStillATypeErrorNamingTheClassAfterItsSiblingsWereKept() throws Exception {
    engine.eval("function both(m) { m.size(); return m.fooBar() }");
    JsException e = assertThrows(JsException.class, () -> call("both", new HashMap<>()));
    assertEquals("TypeError", e.getErrorName());
    assertTrue(e.getMessage().contains("java.util.HashMap has no public method 'fooBar'"), e.getMessage());
  }

  @Test
  void moreClassesAndNamesThanTheCacheHoldsAllCallTheRightMethod() throws Exception {
    List<Object> objects = List.of(new ArrayList<>(List.of(1, 2)), new LinkedList<>(List.of(1)),
        new HashSet<>(List.of(1, 2, 3)), new TreeSet<>(List.of(4)), new ArrayDeque<>(List.of(5, 6)),
        new HashMap<>(Map.of("k", 1)), new LinkedHashMap<>(), new ConcurrentHashMap<>(Map.of("a", 1, "b", 2)),
        new TreeMap<>(Map.of("x", 1)), new ArrayList<>());
    // 10 classes × 6 names, repeated: far beyond what one slot per (class, name) guarantees,
    // with collisions replacing kept functions all the time
    engine.eval("function probe(o) { return [o.size(), typeof o.hashCode(), o.toString().length,"
        + " o.equals(o), o.isEmpty(), o.contains ? o.contains(1) : o.containsKey('a')].join() }");
    for (int round = 0; round < 50; round++) {
      for (Object o : objects) {
        int size = o instanceof Map<?, ?> m ? m.size() : ((java.util.Collection<?>) o).size();
        boolean has = o instanceof Map<?, ?> m ? m.containsKey("a") : ((java.util.Collection<?>) o).contains(1);
        String expected = size + ",number," + o.toString().length() + ",true," + (size == 0) + "," + has;
        assertEquals(expected, call("probe", o), o.getClass().getName());
      }
    }
  }

  @Test
  void namesWithTheSameHashAreToldApart() throws Exception {
    // "Aa" and "BB" have the same String hash code; the decoded-name cache must compare bytes
    Map<String, Object> m = new HashMap<>(Map.of("Aa", 1, "BB", 2, "AaAa", 3, "BBBB", 4, "AaBB", 5));
    engine.eval("function read(m) { var s = ''; for (var i = 0; i < 20; i++) s += [m.Aa, m.BB, m.AaAa, m.BBBB, m.AaBB, m.get('Aa'), m.get('BB')].join(''); return s }");
    assertEquals("1234512".repeat(20), call("read", m));
  }

  @Test
  void aKeptMethodWorksInEveryRealmOfTheEngine() throws Exception {
    engine.eval("function size(l) { return l.size() }");
    assertEquals(2, ((Number) call("size", new ArrayList<>(List.of(1, 2)))).intValue());
    javax.script.Bindings other = engine.createBindings();
    other.put("l", new ArrayList<>(List.of(1, 2, 3)));
    assertEquals(3, ((Number) engine.eval("l.size()", other)).intValue());
    assertEquals(3, ((Number) engine.eval("l.size()", other)).intValue());
  }
}
