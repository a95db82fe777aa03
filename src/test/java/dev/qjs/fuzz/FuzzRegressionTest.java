package dev.qjs.fuzz;

import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every input the fuzz tests saved under {@code src/test/resources/fuzz/regressions/}:
 * {@code eval-*.js} through {@link EvalFuzzTest#evalOnce}, {@code json-*.json} through
 * {@link JsonFuzzTest#checkOne}, {@code value-*.txt} ("property seed index") through {@link
 * ValueConversionFuzzTest#check}. Keep a file there for every bug a fuzz test found, after
 * fixing it.
 */
class FuzzRegressionTest {
  private static final String DIR = "/fuzz/regressions/";

  @TestFactory
  Stream<DynamicTest> savedInputs() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : Fuzz.resourceList(DIR, "js")) {
      tests.add(DynamicTest.dynamicTest(name, () -> {
        try (QuickJsScriptEngine e = EvalFuzzTest.newEngine()) {
          EvalFuzzTest.evalOnce(e, Fuzz.utf8(Fuzz.resource(DIR + name)));
        }
      }));
    }
    for (String name : Fuzz.resourceList(DIR, "json")) {
      tests.add(DynamicTest.dynamicTest(name, () -> {
        try (QuickJsScriptEngine e = EvalFuzzTest.newEngine()) {
          JsonFuzzTest.checkOne(e, Fuzz.utf8(Fuzz.resource(DIR + name)));
        }
      }));
    }
    for (String name : Fuzz.resourceList(DIR, "txt")) {
      tests.add(DynamicTest.dynamicTest(name, () -> {
        String[] f = Fuzz.utf8(Fuzz.resource(DIR + name)).trim().split("\\s+");
        long seed = Long.parseLong(f[1]);
        long index = Long.parseLong(f[2]);
        try (QuickJsScriptEngine e =
            (QuickJsScriptEngine) new QuickJsScriptEngineFactory().getScriptEngine()) {
          e.eval(ValueConversionFuzzTest.DEEP_COPY);
          ValueConversionFuzzTest.check(e, f[0], new Random(seed * 31 + index));
        }
      }));
    }
    return tests.stream();
  }
}
