package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code o[k]} then {@code Object.prototype.hasOwnProperty.call(o, k)} (what Handlebars does for
 * every property of a model) asks Java once: the shim remembers the read until the next host
 * call. What a script sees must be what Java holds: a host call in between (a remove, a put, a
 * read of another member) makes the next question go to Java again.
 */
class OwnPropertyAfterReadTest {
  private ScriptEngine engine;
  private Invocable invocable;

  @BeforeEach
  void setUp() throws Exception {
    engine = new ScriptEngineManager().getEngineByName("quickjs");
    invocable = (Invocable) engine;
    engine.eval("var own = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k) };");
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  /** A bean with one property. */
  public static final class Bean {
    public String getName() {
      return "n";
    }
  }

  @Test
  void aReadThenHasOwnPropertyAgreesWithTheJavaObject() throws Exception {
    engine.eval("function probe(o, k) { var v = o[k]; return own(o, k) + ':' + (v === undefined ? 'u' : v) }");
    Map<String, Object> m = new HashMap<>(Map.of("a", 1));
    m.put("nothing", null);
    assertEquals("true:1", invocable.invokeFunction("probe", m, "a"));
    assertEquals("false:u", invocable.invokeFunction("probe", m, "b"));
    assertEquals("true:null", invocable.invokeFunction("probe", m, "nothing"));
    assertEquals("true:n", invocable.invokeFunction("probe", new Bean(), "name"));
    assertEquals("false:u", invocable.invokeFunction("probe", new Bean(), "missing"));
    assertEquals("true:2", invocable.invokeFunction("probe", List.of(1, 2), "1"));
    assertEquals("false:u", invocable.invokeFunction("probe", List.of(1, 2), "5"));
  }

  @Test
  void aHostCallBetweenTheReadAndTheQuestionIsSeen() throws Exception {
    engine.eval("function removed(m) { var v = m.a; m.remove('a'); return v + ':' + own(m, 'a') }"
        + "function added(m) { var v = m.b; m.put('b', 2); return v + ':' + own(m, 'b') }"
        + "function deleted(m) { var v = m.a; delete m.a; return v + ':' + own(m, 'a') }"
        + "function other(m, n) { var v = m.a; n.a; return own(m, 'a') + ':' + own(n, 'a') }");
    assertEquals("1:false", invocable.invokeFunction("removed", new HashMap<>(Map.of("a", 1))));
    assertEquals("undefined:true", invocable.invokeFunction("added", new HashMap<>()));
    assertEquals("1:false", invocable.invokeFunction("deleted", new HashMap<>(Map.of("a", 1))));
    assertEquals("true:false", invocable.invokeFunction("other", new HashMap<>(Map.of("a", 1)), new HashMap<>()));
  }

  @Test
  void aChangeMadeByJavaCodeTheScriptCalledIsSeen() throws Exception {
    engine.eval("function viaCallback(m, f) { var v = m.a; f(); return v + ':' + own(m, 'a') }");
    Map<String, Object> m = new HashMap<>(Map.of("a", 1));
    Runnable clear = m::clear;
    assertEquals("1:false", invocable.invokeFunction("viaCallback", m, clear));
  }
}
