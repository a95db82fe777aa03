package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.Test;

class CpuProfilerTest {
  private static final QuickJsScriptEngineFactory FACTORY = new QuickJsScriptEngineFactory();

  static final String WORKLOAD = String.join("\n",
      "function hot(n) {",
      "  let s = 0;",
      "  for (let i = 0; i < n; i++) s = (s + i * i) % 1000003;",
      "  return s;",
      "}",
      "function cold(n) {",
      "  let s = 0;",
      "  for (let i = 0; i < n; i++) s += i;",
      "  return s;",
      "}",
      "function run(rounds) {",
      "  let t = 0;",
      "  for (let k = 0; k < rounds; k++) { t += hot(20000); t += cold(2000); }",
      "  return t;",
      "}");

  static QuickJsScriptEngine engine() {
    return FACTORY.getScriptEngine(QuickJsOptions.defaults());
  }

  @Test
  void theHottestFunctionComesOutOnTopWithItsFileAndLine() throws Exception {
    try (QuickJsScriptEngine engine = engine()) {
      engine.put(ScriptEngine.FILENAME, "workload.js");
      engine.eval(WORKLOAD);
      engine.startCpuProfiling();
      engine.invokeFunction("run", 300);
      CpuProfile profile = engine.stopCpuProfiling();
      System.out.println(profile);
      System.out.println(profile.foldedStacks());
      List<CpuProfile.FunctionTime> top = profile.topFunctions(3);
      assertEquals("hot", top.get(0).name());
      assertEquals("workload.js", top.get(0).file());
      assertEquals(1, top.get(0).line());
      assertTrue(profile.sampleCount() > 10, profile.toString());
    }
  }
}
