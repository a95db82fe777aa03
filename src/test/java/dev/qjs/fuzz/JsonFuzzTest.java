package dev.qjs.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qjs.QuickJsScriptEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@code parseJson} with mutated JSON ({@code src/test/resources/fuzz/seeds/*.json} and
 * JSON written from random values). Each input gives a value or a {@link ScriptException};
 * a value survives a deep copy to Java, and writing it and reading it back is stable:
 * {@code toJson(parse(toJson(parse(x)))) == toJson(parse(x))}.
 */
class JsonFuzzTest {
  private QuickJsScriptEngine engine;

  @BeforeEach
  void setUp() {
    engine = EvalFuzzTest.newEngine();
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  /** The property for one input. */
  static void checkOne(QuickJsScriptEngine engine, String text) throws Exception {
    Object parsed;
    try {
      parsed = engine.parseJson(text);
    } catch (ScriptException expected) {
      assertEquals(2, engine.eval("1 + 1"), "the engine works after a JSON syntax error");
      return;
    }
    ValueConversionFuzzTest.toJava(parsed);
    String once = engine.toJson(parsed);
    if (once != null) {
      String twice = engine.toJson(engine.parseJson(once));
      assertEquals(once, twice, "JSON written, read and written again changed");
    }
  }

  private void check(byte[] input, String text) {
    try {
      checkOne(engine, text);
    } catch (Throwable t) {
      Fuzz.saveAndFail("json", "json", input, "parseJson of a fuzz input failed", t);
    }
  }

  @Test
  void mutatedJson() throws Exception {
    List<byte[]> pool = new ArrayList<>(Fuzz.seeds("json"));
    for (byte[] s : List.copyOf(pool)) {
      check(s, Fuzz.utf8(s));
    }
    byte[][] dict = Fuzz.dictionary("{", "}", "[", "]", ",", ":", "\"", "\\u", "\\uD800",
        "\\\"", "null", "true", "false", "-0", "1e999", "-1e-999", "0.", "\"__proto__\"",
        "123456789012345678901234567890", "[[[[[[[[", "{\"a\":", "\u0000", "\uFEFF", " ", "\n");
    Fuzz.loop(
        "json mutations",
        (i, r) -> {
          if (r.nextInt(4) == 0) {
            String json = engine.toJson(ValueConversionFuzzTest.randomValue(r, 0, false));
            if (json != null) {
              pool.add(json.getBytes(StandardCharsets.UTF_8));
              if (pool.size() > 512) {
                pool.remove(pool.size() / 2);
              }
            }
          }
          byte[] m = Fuzz.mutate(r, pool.get(r.nextInt(pool.size())), pool, dict);
          check(m, Fuzz.utf8(m));
        });
  }
}
