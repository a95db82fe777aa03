package dev.qjs.bench.jsr223;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import javax.script.Invocable;
import javax.script.ScriptEngine;

/**
 * Workloads 5 and 6 timed in the calling thread's CPU time instead of wall-clock time, for
 * comparing builds of the native library on a shared, loaded machine (compare-libs.sh): {@code
 * java ... CpuTimeProbe ENGINE compute|handlebars WARMUP_OPS OPS ROUNDS} prints, per round, the
 * CPU milliseconds per operation of OPS operations (after WARMUP_OPS untimed ones), then the
 * median. Every result is checked as in the JMH benchmarks. The CPU time of the thread is what
 * the interpreter spends (QuickJS's garbage collector runs in it too); a thread waiting for a
 * core, which a loaded machine makes wall-clock time count, does not add to it.
 */
public final class CpuTimeProbe {
  private CpuTimeProbe() {}

  public static void main(String[] args) throws Exception {
    String engine = args[0];
    String workload = args[1];
    int warmup = Integer.parseInt(args[2]);
    int ops = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    ScriptEngine js = Engines.create(engine);
    Invocable inv = (Invocable) js;
    String fn;
    double checksum = 0;
    if (workload.equals("compute")) {
      Engines.eval(js, "compute.js", Engines.resource("compute.js"));
      checksum = ((Number) js.get("COMPUTE_MIX_CHECKSUM")).doubleValue();
      fn = "computeMix";
    } else if (workload.equals("handlebars")) {
      Engines.eval(js, "prelude.js", Engines.resource("prelude.js"));
      Engines.eval(js, "handlebars.js", Engines.fetched("handlebars.js"));
      Engines.eval(js, "page.js", Engines.resource("page.js"));
      Engines.check("setupPage()", inv.invokeFunction("setupPage"), HandlebarsBench.PAGE_LENGTH);
      fn = "renderPage";
    } else {
      throw new IllegalArgumentException("workload: compute or handlebars, not " + workload);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < warmup; i++) {
      inv.invokeFunction(fn);
    }
    double[] perOp = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      Object last = null;
      long t0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < ops; i++) {
        last = inv.invokeFunction(fn);
      }
      perOp[r] = (threads.getCurrentThreadCpuTime() - t0) / 1e6 / ops;
      if (workload.equals("compute")) {
        Engines.check("computeMix()", last, checksum);
      } else {
        HandlebarsBench.check("renderPage()", last);
      }
      System.out.printf("round %d: %.4f ms/op%n", r + 1, perOp[r]);
    }
    Arrays.sort(perOp);
    System.out.printf("median: %.4f ms/op%n", perOp[rounds / 2]);
    Engines.close(js);
  }
}
