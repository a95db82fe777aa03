package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link DynamicObject}: a Java object whose members its own methods decide, every time a script
 * asks (issue 16).
 */
class DynamicObjectTest {
  /** Facts in a map, counting every call a script causes. */
  static class Facts implements DynamicObject {
    final Map<String, @Nullable Object> values = new LinkedHashMap<>();
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger has = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();

    @Override
    public @Nullable Object getMember(String name) {
      gets.incrementAndGet();
      return values.get(name);
    }

    @Override
    public boolean hasMember(String name) {
      has.incrementAndGet();
      return values.containsKey(name);
    }

    @Override
    public void setMember(String name, @Nullable Object value) {
      values.put(name, value);
    }

    @Override
    public void removeMember(String name) {
      values.remove(name);
    }

    @Override
    public Collection<String> keySet() {
      lists.incrementAndGet();
      return new ArrayList<>(values.keySet());
    }

    @Override
    public String toString() {
      return "Facts" + values.keySet();
    }
  }

  /** A fact whose value changes with each read. */
  static final class Ticking implements DynamicObject {
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public @Nullable Object getMember(String name) {
      return name.equals("tick") ? reads.incrementAndGet() : null;
    }

    @Override
    public boolean hasMember(String name) {
      return name.equals("tick");
    }
  }

  /** A record is immutable to the engine, except when it is a dynamic object. */
  record Counter(AtomicInteger count) implements DynamicObject {
    @Override
    public @Nullable Object getMember(String name) {
      return name.equals("count") ? count.incrementAndGet() : null;
    }
  }

  /** A function and constructor. */
  static final class Adder implements DynamicObject {
    @Nullable Object lastThis;

    @Override
    public boolean isFunction() {
      return true;
    }

    @Override
    public @Nullable Object call(@Nullable Object thiz, @Nullable Object... args) {
      lastThis = thiz;
      int sum = 0;
      for (Object a : args) {
        sum += ((Number) a).intValue();
      }
      return sum;
    }

    @Override
    public @Nullable Object newObject(@Nullable Object... args) {
      Facts made = new Facts();
      made.values.put("made", args.length);
      return made;
    }
  }

  private final ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private Object eval(String script) throws ScriptException {
    return engine.eval(script);
  }

  @Nested
  class Reads {
    @Test
    void eachReadIsOneGetMemberCallAndNothingIsCached() throws Exception {
      Ticking t = new Ticking();
      engine.put("o", t);
      assertEquals(List.of(1, 2, 3), ((JsArray) eval("[o.tick, o.tick, o['tick']]")).toJava());
      assertEquals(3, t.reads.get());
      // the own-property check right after a read asks the object again, and reads count none
      assertEquals(true, eval("o.tick; o.hasOwnProperty('tick') && 'tick' in o"));
      assertEquals(4, t.reads.get());
      assertEquals(6, eval("o.tick + 1"));
    }

    @Test
    void aRecordThatIsADynamicObjectIsReadEveryTimeToo() throws Exception {
      Counter c = new Counter(new AtomicInteger());
      engine.put("c", c);
      assertEquals(3, eval("c.count; c.count; c.count"));
      assertEquals(9, eval("c.count + c.count"));
      assertEquals(5, c.count().get());
    }

    @Test
    void lazyFactsCostOneGetMemberPerRead() throws Exception {
      Facts f = new Facts();
      f.values.put("age", 40);
      f.values.put("name", "Ada");
      engine.put("f", f);
      assertEquals(true, eval("f.age >= 18 && f.name === 'Ada'"));
      assertEquals(2, f.gets.get());
      assertEquals("{\"age\":40,\"name\":\"Ada\"}", eval("JSON.stringify(f)"));
      assertEquals(5, f.gets.get()); // JSON.stringify reads toJSON, then each listed member
      // the own-property check right after a read is the object's answer, not the read's memory
      int asked = f.has.get();
      assertEquals(true, eval("f.age; f.hasOwnProperty('age')"));
      // one for the method's name (absent, so Object.prototype's serves), one for 'age'
      assertEquals(asked + 2, f.has.get());
      f.values.remove("age");
      assertEquals("undefined false", eval("f.age + ' ' + f.hasOwnProperty('age')"));
    }

    @Test
    void nullIsNullWhenTheMemberExistsAndAbsentMembersFallToThePrototype() throws Exception {
      Facts f = new Facts();
      f.values.put("nothing", null);
      engine.put("f", f);
      assertEquals(true, eval("f.nothing === null && f.missing === undefined"));
      assertEquals("Facts[nothing]", eval("String(f) + ''"));
      assertEquals("Facts[nothing]", eval("f.toString()"));
      assertEquals("object", eval("typeof f"));
      JsException e = assertThrows(JsException.class, () -> eval("f.missing()"));
      assertEquals("TypeError", e.getErrorName());
    }

    @Test
    void theDefaultsGiveAnEmptyReadOnlyObject() throws Exception {
      engine.put("d", new DynamicObject() {});
      assertEquals("0 undefined false", eval("Object.keys(d).length + ' ' + d.x + ' ' + ('x' in d)"));
      JsException e = assertThrows(JsException.class, () -> eval("'use strict'; d.x = 1"));
      assertEquals("TypeError", e.getErrorName());
      assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      assertEquals(true, eval("delete d.x"));
      JsException call = assertThrows(JsException.class, () -> eval("d()"));
      assertEquals("TypeError", call.getErrorName());
    }
  }

  @Nested
  class Writes {
    @Test
    void setHasDeleteKeysForInAndJsonGoToTheObject() throws Exception {
      Facts f = new Facts();
      engine.put("f", f);
      eval("f.x = 1; f.y = 'two'; f[3] = [1, 2]");
      assertEquals(1, f.values.get("x"));
      assertEquals("two", f.values.get("y"));
      assertInstanceOf(JsArray.class, f.values.get("3"));
      assertEquals("true,true,false", eval("['x' in f, f.hasOwnProperty(3), 'z' in f].join()"));
      assertEquals("true,false", eval("[delete f.y, 'y' in f].join()"));
      assertEquals(List.of("x", "3"), List.copyOf(f.values.keySet()));
      assertEquals("x,3", eval("Object.keys(f).join()"));
      assertEquals("x=1;3=1,2;", eval("let s = ''; for (const k in f) s += k + '=' + f[k] + ';'; s"));
      assertEquals("{\"x\":1,\"3\":[1,2]}", eval("JSON.stringify(f)"));
      // a JavaScript object puts integer keys first
      assertEquals("{\"3\":[1,2],\"x\":1,\"z\":0}", eval("JSON.stringify({...f, z: 0})"));
      assertEquals(true, eval("Object.entries(f).length === 2"));
    }

    @Test
    void hostileNamesReachTheObjectAsWritten() throws Exception {
      Facts f = new Facts();
      engine.put("f", f);
      List<String> names = List.of("", "é漢字😀", "__proto__", "constructor", "0", "42", "-1", "1e3",
          "007", "toString", "hasOwnProperty", "a b", "\u0000");
      engine.put("names", names);
      eval("var ns = Array.from(names); ns.forEach((n, i) => { f[n] = i })");
      for (int i = 0; i < names.size(); i++) {
        assertEquals(i, f.values.get(names.get(i)), names.get(i));
      }
      assertEquals(true, eval("ns.every((n, i) => f[n] === i && n in f)"));
      assertEquals(names.size(), eval("Object.keys(f).length"));
      // the object's own toString shadows the prototype's
      assertEquals(9, eval("f.toString"));
      f.values.remove("toString");
      assertEquals("function", eval("typeof f.toString"));
    }

    @Test
    void aHugeKeySetIsListedWhole() throws Exception {
      Facts f = new Facts();
      for (int i = 0; i < 100_000; i++) {
        f.values.put("k" + i, i);
      }
      engine.put("f", f);
      assertEquals(100_000, eval("Object.keys(f).length"));
      assertEquals(100_000, eval("let n = 0; for (const k in f) n++; n"));
      assertEquals(99_999, eval("JSON.parse(JSON.stringify(f)).k99999"));
      assertEquals(3, f.lists.get()); // one listing each
    }
  }

  @Nested
  class Functions {
    @Test
    void aFunctionIsCalledWithItsThisAndConstructedWithNew() throws Exception {
      Adder add = new Adder();
      engine.put("add", add);
      assertEquals("function", eval("typeof add"));
      assertEquals(6, eval("add(1, 2, 3)"));
      assertNull(add.lastThis);
      assertEquals(5, eval("const holder = { add, mark: 1 }; holder.add(2, 3)"));
      JsObject thiz = assertInstanceOf(JsObject.class, add.lastThis);
      assertEquals(1, thiz.get("mark"));
      assertEquals(2, eval("new add('a', 'b').made"));
      assertEquals(10, eval("[1, 2, 3, 4].reduce((a, b) => add(a, b))"));
    }

    @Test
    void aFunctionWithoutNewObjectIsNotAConstructorAndAnObjectIsNotAFunction() throws Exception {
      engine.put("f", new DynamicObject() {
        @Override
        public boolean isFunction() {
          return true;
        }

        @Override
        public @Nullable Object call(@Nullable Object thiz, @Nullable Object... args) {
          return "called";
        }
      });
      engine.put("o", new Facts());
      assertEquals("called", eval("f()"));
      JsException e = assertThrows(JsException.class, () -> eval("new f()"));
      assertEquals("TypeError", e.getErrorName());
      assertTrue(e.getMessage().contains("not a constructor"), e.getMessage());
      JsException notCallable = assertThrows(JsException.class, () -> eval("o()"));
      assertEquals("TypeError", notCallable.getErrorName());
      assertEquals("object", eval("typeof o"));
    }
  }

  @Nested
  class Errors {
    @Test
    void exceptionsFromTheJavaMethodsAreCatchableJsErrorsWithTheJavaMessage() throws Exception {
      IllegalStateException thrown = new IllegalStateException("no fact named x");
      engine.put("o", new DynamicObject() {
        @Override
        public @Nullable Object getMember(String name) {
          throw thrown;
        }

        @Override
        public Collection<String> keySet() {
          throw new IllegalArgumentException("cannot list");
        }
      });
      assertEquals("no fact named x", eval("try { o.x; 'no' } catch (e) { e.message }"));
      assertSame(thrown, eval("try { o.x } catch (e) { e.javaException }"));
      assertEquals("cannot list", eval("try { Object.keys(o) } catch (e) { e.message }"));
      JsException uncaught = assertThrows(JsException.class, () -> eval("o.y"));
      assertSame(thrown, uncaught.getCause());
      assertEquals(2, eval("1 + 1"));
    }

    @Test
    void aMemberScriptsMayNotSeeIsATypeError() throws Exception {
      engine.put("o", new DynamicObject() {
        @Override
        public @Nullable Object getMember(String name) {
          return name.equals("type") ? String.class : Thread.currentThread();
        }
      });
      for (String read : List.of("o.type", "o.thread", "o[0]")) {
        JsException e = assertThrows(JsException.class, () -> eval(read));
        assertEquals("TypeError", e.getErrorName(), read);
        assertTrue(e.getMessage().contains("not accessible"), e.getMessage());
      }
    }

    @Test
    void itsPropertiesCannotBeFrozenOrGivenAccessors() throws Exception {
      Facts f = new Facts();
      f.values.put("a", 1);
      engine.put("f", f);
      assertEquals("function", eval("typeof Object.getOwnPropertyDescriptor(f, 'a').get"));
      assertEquals(1, eval("Object.getOwnPropertyDescriptor(f, 'a').get()"));
      assertThrows(JsException.class, () -> eval("Object.freeze(f)"));
      assertThrows(JsException.class, () -> eval("Object.defineProperty(f, 'b', { get() { return 2 } })"));
      assertEquals(List.of("a"), List.copyOf(f.values.keySet()));
    }

    @Test
    void aKeySetHoldingNullIsATypeError() throws Exception {
      engine.put("o", new DynamicObject() {
        @Override
        public Collection<String> keySet() {
          List<String> keys = new ArrayList<>();
          keys.add(null);
          return keys;
        }
      });
      JsException e = assertThrows(JsException.class, () -> eval("Object.keys(o)"));
      assertEquals("TypeError", e.getErrorName());
    }
  }

  @Nested
  class Identity {
    @Test
    void returningItselfKeepsIdentityBothWays() throws Exception {
      Facts f = new Facts();
      f.values.put("self", f);
      engine.put("f", f);
      assertEquals(true, eval("f.self === f && f.self.self === f"));
      assertSame(f, eval("f.self"));
      List<Object> seen = new ArrayList<>();
      engine.put("seen", seen);
      eval("seen.add(f.self); f.other = f");
      assertSame(f, seen.get(0));
      assertSame(f, f.values.get("other"));
      JsException cyclic = assertThrows(JsException.class, () -> eval("JSON.stringify(f)"));
      assertEquals("TypeError", cyclic.getErrorName());
    }

    @Test
    void twoEnginesUseOneObjectConcurrently() throws Exception {
      Map<String, @Nullable Object> store = new ConcurrentHashMap<>();
      DynamicObject shared = new DynamicObject() {
        @Override
        public @Nullable Object getMember(String name) {
          return store.get(name);
        }

        @Override
        public boolean hasMember(String name) {
          return store.containsKey(name);
        }

        @Override
        public void setMember(String name, @Nullable Object value) {
          store.put(name, value);
        }

        @Override
        public Collection<String> keySet() {
          return store.keySet();
        }
      };
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Object>> results = new ArrayList<>();
        for (String key : List.of("a", "b")) {
          results.add(pool.submit(() -> {
            try (QuickJsScriptEngine e = (QuickJsScriptEngine) new ScriptEngineManager().getEngineByName("quickjs")) {
              e.put("o", shared);
              e.put("key", key);
              return e.eval("for (let i = 0; i < 2000; i++) { o[key] = (o[key] || 0) + 1;"
                  + " if (!(key in o)) throw new Error('lost') } o[key]");
            }
          }));
        }
        for (Future<Object> r : results) {
          assertEquals(2000, r.get(60, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(2000, store.get("a"));
      assertEquals(2000, store.get("b"));
    }
  }
}
