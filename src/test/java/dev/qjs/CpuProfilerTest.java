package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampling CPU profiler, on real QuickJS: what it finds, where, and how it is misused. */
class CpuProfilerTest {
  private static final QuickJsScriptEngineFactory FACTORY = new QuickJsScriptEngineFactory();

  /** hot is defined on line 1 and takes ten times cold's time; run (line 11) calls both. */
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

  static QuickJsScriptEngine workloadEngine() throws Exception {
    QuickJsScriptEngine engine = engine();
    engine.put(ScriptEngine.FILENAME, "workload.js");
    engine.eval(WORKLOAD);
    return engine;
  }

  /** A profile of run(rounds). */
  static CpuProfile profileOfRun(QuickJsScriptEngine engine, int rounds) throws Exception {
    engine.startCpuProfiling();
    engine.invokeFunction("run", rounds);
    return engine.stopCpuProfiling();
  }

  @Test
  void theHottestFunctionComesOutOnTopWithItsFileAndLine() throws Exception {
    try (QuickJsScriptEngine engine = workloadEngine()) {
      CpuProfile profile = profileOfRun(engine, 300);
      List<CpuProfile.FunctionTime> top = profile.topFunctions(3);
      assertEquals("hot", top.get(0).name(), profile.toString());
      assertEquals("workload.js", top.get(0).file());
      assertEquals(1, top.get(0).line());
      assertEquals(1, top.get(0).column());
      assertEquals("cold", top.get(1).name(), profile.toString());
      assertEquals(6, top.get(1).line());
      assertTrue(top.get(0).selfTime().compareTo(top.get(1).selfTime().multipliedBy(3)) > 0, profile.toString());
      // run calls both: its total is theirs, it has (almost) no time of its own
      CpuProfile.FunctionTime run = profile.topFunctions(10).stream()
          .filter(f -> f.name().equals("run")).findFirst().orElseThrow();
      assertEquals(11, run.line());
      assertTrue(run.totalTime().compareTo(top.get(0).totalTime()) >= 0);
      // samples stand for about the time the call ran, each about one interval
      assertTrue(profile.sampleCount() > 50, profile.toString());
      assertTrue(profile.sampledTime().toNanos() / profile.sampleCount() < 5_000_000L, profile.toString());
      assertEquals(Duration.ofMillis(1), profile.interval());
      assertEquals(0, profile.droppedSamples());
    }
  }

  @Test
  void foldedStacksNameEachFrameOutermostFirst() throws Exception {
    try (QuickJsScriptEngine engine = workloadEngine()) {
      String folded = profileOfRun(engine, 200).foldedStacks();
      long hotSamples = 0;
      for (String line : folded.split("\n")) {
        assertTrue(line.matches(".+ \\d+"), line);
        if (line.startsWith("run workload.js:11;hot workload.js:1 ")) {
          hotSamples = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      assertTrue(hotSamples > 20, folded);
    }
  }

  @Test
  void theCpuProfileJsonHasChromesFieldsZeroBasedLinesAndOneDeltaPerSample() throws Exception {
    try (QuickJsScriptEngine engine = workloadEngine()) {
      CpuProfile profile = profileOfRun(engine, 100);
      StringWriter w = new StringWriter();
      profile.writeCpuProfile(w);
      JsObject json = (JsObject) engine.parseJson(w.toString());
      JsArray nodes = (JsArray) json.get("nodes");
      JsArray samples = (JsArray) json.get("samples");
      JsArray deltas = (JsArray) json.get("timeDeltas");
      assertEquals(profile.sampleCount(), samples.size());
      assertEquals(samples.size(), deltas.size());
      JsObject root = (JsObject) nodes.get(0);
      assertEquals(1, ((Number) root.get("id")).intValue());
      assertEquals("(root)", ((JsObject) root.get("callFrame")).get("functionName"));
      boolean sawHot = false;
      for (Object n : nodes) {
        JsObject frame = (JsObject) ((JsObject) n).get("callFrame");
        if ("hot".equals(frame.get("functionName"))) {
          sawHot = true;
          assertEquals("workload.js", frame.get("url"));
          assertEquals(0, ((Number) frame.get("lineNumber")).intValue()); // 0-based: line 1
          assertEquals(0, ((Number) frame.get("columnNumber")).intValue());
          JsArray ticks = (JsArray) ((JsObject) n).get("positionTicks");
          int line = ((Number) ((JsObject) ticks.get(0)).get("line")).intValue();
          assertTrue(line >= 1 && line <= 4, "hot's samples are in its lines, 1-based: " + line);
        }
      }
      assertTrue(sawHot, w.toString());
      long sum = 0;
      for (Object d : deltas) {
        sum += ((Number) d).longValue();
      }
      long start = ((Number) json.get("startTime")).longValue();
      long end = ((Number) json.get("endTime")).longValue();
      assertEquals(sum, end - start);
    }
  }

  /** A Java object whose method takes 20 ms. */
  public static final class Slow {
    public int work() throws InterruptedException {
      Thread.sleep(20);
      return 1;
    }
  }

  @Test
  void timeInJavaMethodsShowsAsHostFramesNamingClassAndMethod() throws Exception {
    try (QuickJsScriptEngine engine = workloadEngine()) {
      engine.put("slow", new Slow());
      engine.eval("function callsJava() { let t = 0; for (let i = 0; i < 10; i++) t += slow.work(); return t; }");
      engine.startCpuProfiling();
      engine.invokeFunction("callsJava");
      CpuProfile profile = engine.stopCpuProfiling();
      CpuProfile.FunctionTime top = profile.topFunctions(1).get(0);
      assertEquals("(host) " + Slow.class.getName() + ".work", top.name(), profile.toString());
      assertTrue(top.selfTime().toMillis() >= 150, profile.toString());
      assertTrue(top.selfSamples() >= 150, "one sample per interval: " + profile);
      assertTrue(profile.foldedStacks().contains("callsJava workload.js:1;"), profile.foldedStacks());
    }
  }

  @Test
  void nestedCallsFromJavaBackIntoJavaScriptKeepTheOuterFrames() throws Exception {
    try (QuickJsScriptEngine engine = workloadEngine()) {
      IntUnaryOperator callBack = n -> {
        try {
          return ((Number) engine.invokeFunction("hot", n)).intValue();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      engine.put("callBack", callBack);
      engine.eval("function outer() { let t = 0; for (let i = 0; i < 100; i++) t += callBack.applyAsInt(30000); return t; }");
      engine.startCpuProfiling();
      engine.invokeFunction("outer");
      CpuProfile profile = engine.stopCpuProfiling();
      assertEquals("hot", profile.topFunctions(1).get(0).name(), profile.toString());
      boolean nested = false;
      for (String line : profile.foldedStacks().split("\n")) {
        if (line.startsWith("outer ") && line.contains(";hot workload.js:1 ")) {
          nested = true;
        }
      }
      assertTrue(nested, profile.foldedStacks());
    }
  }

  @Test
  void promiseJobsAreSampled() throws Exception {
    try (QuickJsScriptEngine engine = workloadEngine()) {
      engine.startCpuProfiling();
      engine.eval("function inJob() { let t = 0; for (let k = 0; k < 100; k++) t += hot(20000); return t; }\n"
          + "Promise.resolve().then(inJob);");
      CpuProfile profile = engine.stopCpuProfiling();
      assertEquals("hot", profile.topFunctions(1).get(0).name(), profile.toString());
      assertTrue(profile.foldedStacks().contains("inJob workload.js:1;hot workload.js:1"), profile.foldedStacks());
    }
  }

  @Test
  void startingTwiceOrStoppingWithoutAStartIsRefusedAndTheEngineGoesOn() throws Exception {
    try (QuickJsScriptEngine engine = workloadEngine()) {
      IllegalStateException none = assertThrows(IllegalStateException.class, engine::stopCpuProfiling);
      assertTrue(none.getMessage().contains("no CPU profile is recording"), none.getMessage());
      engine.startCpuProfiling();
      IllegalStateException twice = assertThrows(IllegalStateException.class, engine::startCpuProfiling);
      assertTrue(twice.getMessage().contains("already recording"), twice.getMessage());
      assertThrows(IllegalArgumentException.class, () -> engine.startCpuProfiling(Duration.ZERO));
      assertThrows(IllegalArgumentException.class, () -> engine.startCpuProfiling(Duration.ofMillis(-1)));
      engine.invokeFunction("run", 20);
      assertTrue(engine.stopCpuProfiling().sampleCount() > 0);
      assertThrows(IllegalStateException.class, engine::stopCpuProfiling);
      assertEquals(10, ((Number) engine.eval("4 + 6")).intValue());
      // and again, with another interval
      engine.startCpuProfiling(Duration.ofMillis(5));
      engine.invokeFunction("run", 50);
      CpuProfile p = engine.stopCpuProfiling();
      assertEquals(Duration.ofMillis(5), p.interval());
      assertTrue(p.sampledTime().toNanos() / Math.max(1, p.sampleCount()) >= 4_000_000L, p.toString());
    }
  }

  @Test
  void closingAnEngineWhileItProfilesFreesTheProfile() throws Exception {
    QuickJsScriptEngine engine = workloadEngine();
    engine.startCpuProfiling();
    engine.invokeFunction("run", 20);
    engine.close();
    assertThrows(IllegalStateException.class, engine::stopCpuProfiling);
    assertThrows(IllegalStateException.class, engine::startCpuProfiling);
    // closed from another thread while a profiled call runs
    QuickJsScriptEngine busy = workloadEngine();
    busy.startCpuProfiling();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> running = pool.submit(() -> busy.eval("for (;;) hot(1000)"));
      Thread.sleep(100);
      busy.close();
      Exception e = assertThrows(Exception.class, () -> running.get(10, TimeUnit.SECONDS));
      assertFalse(e instanceof java.util.concurrent.TimeoutException, e.toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void manyEnginesProfileConcurrentlyEachItsOwnCalls() throws Exception {
    int n = 4;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<CpuProfile>> profiles = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = "hot" + i;
        profiles.add(pool.submit(() -> {
          try (QuickJsScriptEngine engine = engine()) {
            engine.put(ScriptEngine.FILENAME, name + ".js");
            engine.eval(WORKLOAD.replace("hot", name));
            return profileOfRun(engine, 150);
          }
        }));
      }
      for (int i = 0; i < n; i++) {
        CpuProfile p = profiles.get(i).get(60, TimeUnit.SECONDS);
        // by samples, not time: with four engines on fewer cores, a thread the OS set aside for
        // a while has that whole pause in the one sample taken when it runs again, whichever
        // function that is (the profile is of wall time)
        CpuProfile.FunctionTime top = p.topFunctions(20).stream()
            .max(java.util.Comparator.comparingLong(CpuProfile.FunctionTime::selfSamples))
            .orElseThrow();
        assertEquals("hot" + i, top.name(), p.toString());
        assertEquals("hot" + i + ".js", top.file());
        for (CpuProfile.FunctionTime f : p.topFunctions(20)) {
          assertTrue(!f.name().startsWith("hot") || f.name().equals("hot" + i), "another engine's frame: " + p);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aProfileOfATenSecondLoopStaysWithinItsSampleCap() throws Exception {
    String old = System.getProperty("quickjs.cpuProfileMaxSamples");
    System.setProperty("quickjs.cpuProfileMaxSamples", "2000");
    try (QuickJsScriptEngine engine = workloadEngine()) {
      engine.startCpuProfiling();
      engine.eval("const end = Date.now() + 10000; while (Date.now() < end) hot(1000);");
      CpuProfile p = engine.stopCpuProfiling();
      assertEquals(2000, p.sampleCount(), p.toString());
      assertTrue(p.droppedSamples() > 2000, "thousands more were counted, not kept: " + p.droppedSamples());
      assertTrue(p.foldedStacks().length() < 10_000, "a few distinct stacks: " + p.foldedStacks().length());
    } finally {
      if (old == null) {
        System.clearProperty("quickjs.cpuProfileMaxSamples");
      } else {
        System.setProperty("quickjs.cpuProfileMaxSamples", old);
      }
    }
  }

  @Test
  void theCpuProfileSettingRecordsTheCallsMadeWhileItIsSet(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sub/run.cpuprofile");
    try (QuickJsScriptEngine engine = workloadEngine()) {
      engine.put("quickjs.cpuProfile", file.toString());
      engine.invokeFunction("run", 200);
      assertFalse(Files.exists(file), "written when the setting goes");
      IllegalStateException byKey = assertThrows(IllegalStateException.class, engine::stopCpuProfiling);
      assertTrue(byKey.getMessage().contains("quickjs.cpuProfile"), byKey.getMessage());
      engine.getBindings(ScriptContext.ENGINE_SCOPE).remove("quickjs.cpuProfile");
      assertTrue(Files.exists(file), "written when the setting is removed");
      String json = Files.readString(file, StandardCharsets.UTF_8);
      assertTrue(json.contains("\"functionName\":\"hot\""), json.substring(0, Math.min(400, json.length())));
      // a later call is not recorded: the file stays as it was
      long size = Files.size(file);
      engine.invokeFunction("run", 50);
      assertEquals(size, Files.size(file));
      // set as a Path, written when the engine closes
      Path second = dir.resolve("second.cpuprofile");
      engine.put("quickjs.cpuProfile", second);
      engine.invokeFunction("run", 50);
      engine.close();
      assertTrue(Files.readString(second, StandardCharsets.UTF_8).contains("\"functionName\":\"hot\""));
    }
  }

  @Test
  void aCpuProfileSettingThatIsNoPathIsRefusedWhenPut() throws Exception {
    try (QuickJsScriptEngine engine = workloadEngine()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> engine.put("quickjs.cpuProfile", 42));
      assertTrue(e.getMessage().contains("quickjs.cpuProfile must be a file path"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> engine.put("quickjs.cpuProfile", "  "));
      assertThrows(IllegalArgumentException.class,
          () -> engine.getBindings(ScriptContext.ENGINE_SCOPE).putAll(Map.of("quickjs.cpuProfile", List.of())));
      assertInstanceOf(Number.class, engine.invokeFunction("run", 1));
    }
  }

  @Test
  void offItCostsNothingVisible() throws Exception {
    // the engine without a profile keeps no frames: a run after a stopped profile takes no samples
    try (QuickJsScriptEngine engine = workloadEngine()) {
      profileOfRun(engine, 10);
      engine.invokeFunction("run", 100);
      engine.startCpuProfiling();
      CpuProfile empty = engine.stopCpuProfiling();
      assertEquals(0, empty.sampleCount(), empty.toString());
      assertTrue(empty.topFunctions(5).isEmpty());
    }
  }
}
