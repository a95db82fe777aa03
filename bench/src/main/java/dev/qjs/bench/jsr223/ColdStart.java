package dev.qjs.bench.jsr223;

import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;

/**
 * Workload 1, cold start: a new JVM runs this, {@code java ... ColdStart ENGINE}: an engine,
 * {@code eval("1+1")}, print, exit. run.sh times it with hyperfine and checks the output.
 */
public final class ColdStart {
  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    ScriptEngine js = new ScriptEngineManager().getEngineByName(args[0]);
    Object r = js.eval("1+1");
    if (!(r instanceof Number n) || n.doubleValue() != 2) {
      throw new IllegalStateException("1+1 = " + r);
    }
    System.out.println(n.intValue());
    Engines.close(js);
  }
}
