package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qjs.CpuProfile;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our .cpuprofile files read by a real consumer of the format: the npm package flamebearer (a CLI
 * that summarizes Chrome profiles), run by node. Its "Top CPU (self time)" table must name the
 * function the workload spends its time in, at its file and line.
 */
class FlamebearerTest {
  /** hot (line 2) takes about ten times cold's time (line 7). */
  private static final String WORKLOAD = String.join("\n",
      "// a workload with a known hottest function",
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

  /**
   * flamebearer 2.1.0 calls Map.groupBy, which node has from version 21 on; on an older node
   * (Debian 12 ships 18, this machine 20) this file, preloaded, adds it as the standard says.
   */
  private static final String MAP_GROUP_BY = String.join("\n",
      "if (typeof Map.groupBy !== 'function') {",
      "  Object.defineProperty(Map, 'groupBy', { configurable: true, writable: true, value(items, key) {",
      "    const m = new Map(); let i = 0;",
      "    for (const item of items) { const k = key(item, i++); const g = m.get(k); if (g) g.push(item); else m.set(k, [item]); }",
      "    return m;",
      "  } });",
      "}");

  /** flamebearer's report of a profile file. */
  private static String flamebearer(Path profile) throws IOException, InterruptedException {
    Path cli = PackageScripts.npmProject("flamebearer")
        .resolve("node_modules/flamebearer/bin/flamebearer");
    Path polyfill = profile.resolveSibling("map-group-by.cjs");
    Files.writeString(polyfill, MAP_GROUP_BY, StandardCharsets.UTF_8);
    ProcessBuilder pb = new ProcessBuilder("node", "--require", polyfill.toString(), cli.toString(),
        "--no-color", profile.toString())
        .redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException noNode) {
      return fail("node is needed to run flamebearer (npm's own runtime; Debian: apt-get install nodejs): " + noNode);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "flamebearer did not finish");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** The rows of the "Top CPU (self time):" table. */
  private static List<String> topCpu(String report) {
    int at = report.indexOf("Top CPU (self time):");
    assertTrue(at >= 0, report);
    String table = report.substring(at).split("\n\n", 2)[0];
    return table.lines().skip(1).filter(l -> !l.isBlank()).toList();
  }

  @Test
  void flamebearerNamesTheHottestFunctionAtItsFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.cpuprofile");
    try (QuickJsScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.defaults())) {
      engine.put(ScriptEngine.FILENAME, "workload.js");
      engine.eval(WORKLOAD);
      engine.startCpuProfiling();
      engine.invokeFunction("run", 300);
      CpuProfile profile = engine.stopCpuProfiling();
      profile.writeCpuProfile(file);
    }
    String report = flamebearer(file);
    List<String> rows = topCpu(report);
    assertTrue(rows.get(0).matches(".*\\bhot\\s+workload\\.js:2\\s*$"), "first row: " + rows.get(0) + "\n" + report);
    assertTrue(rows.stream().anyMatch(r -> r.matches(".*\\bcold\\s+workload\\.js:7\\s*$")), report);
  }

  @Test
  void theFileOfTheCpuProfileSettingIsReadByFlamebearer(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("setting.cpuprofile");
    ScriptEngine engine = PackageScripts.standardEngine();
    try {
      engine.put(ScriptEngine.FILENAME, "workload.js");
      engine.eval(WORKLOAD);
      engine.put("quickjs.cpuProfile", file.toString());
      engine.eval("run(300)");
      engine.getBindings(ScriptContext.ENGINE_SCOPE).remove("quickjs.cpuProfile");
    } finally {
      ((AutoCloseable) engine).close();
    }
    assertTrue(Files.exists(file));
    List<String> rows = topCpu(flamebearer(file));
    assertTrue(rows.get(0).matches(".*\\bhot\\s+workload\\.js:2\\s*$"), "first row: " + rows);
  }
}
