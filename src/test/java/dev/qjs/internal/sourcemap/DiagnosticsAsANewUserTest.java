package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qjs.HeapSummary;
import dev.qjs.JsException;
import dev.qjs.QuickJsScriptEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's "done means", as a new user meets it: TypeScript compiled by tsc into ES modules
 * and bundled by esbuild (src/test/sourcemaps/app, built by compile.sh), run through plain
 * javax.script with two ENGINE_SCOPE entries. A failure names the .ts file and line; the same
 * module under quickjs.cpuProfile yields a .cpuprofile whose top function is the hot one at its
 * .ts line; a leak shows in the difference of two heap summaries.
 */
class DiagnosticsAsANewUserTest {
  private static final String APP = "app/";

  private static ScriptEngine engine() {
    ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
    e.put("quickjs.moduleRoots", CompilerFixtures.dir().toString());
    e.put(ScriptEngine.FILENAME, "main.mjs");
    return e;
  }

  @Test
  void aFailureOfTheBundledTypeScriptNamesTheTsFileAndLine() {
    ScriptEngine e = engine();
    ScriptException x = assertThrows(ScriptException.class,
        () -> e.eval("import { fail } from './pipeline/app.mjs';\nfail({id: 9, total: -1});"));
    assertTrue(x.getFileName().endsWith(APP + "ledger.ts"), x.getFileName());
    assertEquals(22, x.getLineNumber());
    assertTrue(x.getMessage().contains("pipeline-failure: order 9"), x.getMessage());
    JsException js = assertInstanceOf(JsException.class, x);
    assertEquals("settle", js.getJsFrames().get(0).getFunctionName());
    assertEquals("fail", js.getJsFrames().get(1).getFunctionName());
    assertTrue(js.getJsFrames().get(1).getFileName().endsWith(APP + "main.ts"));
    assertEquals(16, js.getJsFrames().get(1).getLineNumber());
  }

  @Test
  void theCpuProfileSettingYieldsAProfileWhoseTopFunctionIsTheHotOneAtItsTsLine(@TempDir Path dir)
      throws Exception {
    ScriptEngine e = engine();
    Path file = dir.resolve("run.cpuprofile");
    e.put("quickjs.cpuProfile", file.toString());
    e.eval("import { run } from './pipeline/app.mjs';\nrun(400);");
    e.getBindings(javax.script.ScriptContext.ENGINE_SCOPE).remove("quickjs.cpuProfile");
    assertTrue(Files.size(file) > 0);
    JsonNode profile = new ObjectMapper().readTree(file.toFile());
    JsonNode hottest = null;
    for (JsonNode node : profile.get("nodes")) {
      if (hottest == null || node.get("hitCount").asLong() > hottest.get("hitCount").asLong()) {
        hottest = node;
      }
    }
    JsonNode frame = hottest.get("callFrame");
    assertEquals("priceOf", frame.get("functionName").asText(), hottest.toString());
    assertTrue(frame.get("url").asText().endsWith(APP + "pricing.ts"), frame.toString());
    assertEquals(1, frame.get("lineNumber").asInt(), "0-based: line 2 of pricing.ts");
  }

  @Test
  void aLeakShowsInTheDifferenceOfTwoHeapSummaries() throws Exception {
    QuickJsScriptEngine e = (QuickJsScriptEngine) engine();
    e.eval("import { leak } from './pipeline/app.mjs';\nleak(1);");
    HeapSummary before = e.heapSummary();
    e.eval("import { leak } from './pipeline/app.mjs';\nleak(500);");
    HeapSummary grown = e.heapSummary().difference(before);
    assertEquals(500, grown.count("Leak"), grown.toString());
  }
}
