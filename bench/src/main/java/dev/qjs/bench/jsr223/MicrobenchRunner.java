package dev.qjs.bench.jsr223;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.script.ScriptEngine;

/**
 * Workload 12: QuickJS's own tests/microbench.js through javax.script, as {@code qjs --std
 * microbench.js} runs it: {@code java ... MicrobenchRunner ENGINE microbench.js [test...]}. A
 * small shim (as the library's QuickJsOwnTestsTest does) gives the file what it takes from qjs:
 * {@code scriptArgs}, and {@code performance.now()} from {@code System.nanoTime} (qjs has
 * {@code performance.now()} too, so both use the same clock path). {@code -s ""} keeps it
 * from writing microbench-new.txt. Its table goes to stdout.
 */
public final class MicrobenchRunner {
  private MicrobenchRunner() {}

  static final String SHIM =
      "var performance = { now: function () { return __nanoClock() / 1e6 } };";

  public static void main(String[] args) throws Exception {
    ScriptEngine js = Engines.create(args[0]);
    String src = Files.readString(Path.of(args[1]));
    List<String> argv = new ArrayList<>(List.of("microbench.js", "-s", ""));
    for (int i = 2; i < args.length; i++) {
      argv.add(args[i]);
    }
    js.getContext().setWriter(new PrintWriter(System.out, true));
    js.put("__nanoClock", (LongSupplier) System::nanoTime);
    js.put("scriptArgs", argv);
    js.eval(SHIM);
    // as under qjs, no CommonJS: microbench.js takes a global require() for Node and asks for 'fs'
    js.eval("delete globalThis.require");
    js.eval("scriptArgs = Array.prototype.slice.call(scriptArgs)");
    Engines.eval(js, "microbench.js", src);
    System.out.flush();
    Engines.close(js);
  }
}
