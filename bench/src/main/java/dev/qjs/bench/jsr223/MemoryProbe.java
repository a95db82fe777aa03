package dev.qjs.bench.jsr223;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.script.ScriptEngine;

/**
 * Workload 9, memory: {@code java ... MemoryProbe ENGINE N} prints one JSON line: heap used (after
 * full GCs) and RSS ({@code VmRSS}) before any engine, after the first engine and its first
 * {@code eval}, and after N more engines kept alive (each after a first eval); the deltas in MB.
 *
 * <p>The baseline is taken once the thread's {@code ScriptEngineManager} exists (the JDK's
 * javax.script machinery and the service scan, about 7 MB of RSS, are paid by every engine
 * alike). run.sh starts this JVM with {@code -XX:+AlwaysPreTouch} in every column, so that the
 * RSS deltas are memory outside the Java heap and do not count heap pages first touched by
 * allocation; heap use is the separate heap delta, and "heap + RSS" adds the two.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  static final String WARM = "var o = {a: [1, 2, 3], s: 'x'}; JSON.stringify(o).length";

  public static void main(String[] args) throws Exception {
    String name = args[0];
    int more = Integer.parseInt(args[1]);
    Engines.manager();
    double[] base = measure();
    List<ScriptEngine> alive = new ArrayList<>();
    alive.add(first(name));
    double[] one = measure();
    for (int i = 0; i < more; i++) {
      alive.add(first(name));
    }
    double[] all = measure();
    System.out.printf(java.util.Locale.ROOT,
        "{\"engine\":\"%s\",\"engines\":%d,\"firstHeapMB\":%.3f,\"firstRssMB\":%.3f,"
            + "\"extraHeapMB\":%.4f,\"extraRssMB\":%.4f}%n",
        name, alive.size(), one[0] - base[0], one[1] - base[1],
        (all[0] - one[0]) / more, (all[1] - one[1]) / more);
    for (ScriptEngine e : alive) {
      Engines.close(e);
    }
  }

  static ScriptEngine first(String name) throws Exception {
    ScriptEngine js = Engines.create(name);
    Engines.check("a first eval", js.eval(WARM), 21);
    return js;
  }

  /** {heap used MB, RSS MB} after full collections. */
  static double[] measure() throws Exception {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long rssKb = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new double[] {heap / 1048576.0, rssKb / 1024.0};
  }
}
