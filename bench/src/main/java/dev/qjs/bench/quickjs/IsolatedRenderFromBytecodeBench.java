package dev.qjs.bench.quickjs;

import dev.qjs.Bytecode;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.bench.jsr223.Engines;
import dev.qjs.bench.jsr223.HandlebarsBench;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * QUICKJS ONLY (uses {@code dev.qjs.Bytecode}): workload 20b, the isolated render of
 * {@code IsolatedRenderBench} (a new engine, Handlebars and the page's scripts, one render of the
 * 23,919-char page, close) with the scripts compiled once before measuring and run in each new
 * engine from their bytecode, without parsing (line numbers kept, source text left out, as a
 * library is best compiled). Issue 18's goal: at least 10x Nashorn's rate on
 * 20a, where Nashorn evaluates Handlebars into each new engine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class IsolatedRenderFromBytecodeBench {
  private final QuickJsScriptEngineFactory factory = new QuickJsScriptEngineFactory();
  private final QuickJsOptions options = QuickJsOptions.builder().build();
  private Bytecode[] scripts;

  @Setup
  public void setUp() throws Exception {
    scripts = new Bytecode[] {
      Bytecode.compileScript(Engines.resource("prelude.js"), "prelude.js", Bytecode.DebugInfo.LINE_NUMBERS),
      Bytecode.compileScript(Engines.fetched("handlebars.js"), "handlebars.js", Bytecode.DebugInfo.LINE_NUMBERS),
      Bytecode.compileScript(Engines.resource("page.js"), "page.js", Bytecode.DebugInfo.LINE_NUMBERS),
    };
    HandlebarsBench.check("an isolated render from bytecode", isolatedRenderFromBytecode());
  }

  @Benchmark
  public Object isolatedRenderFromBytecode() throws Exception {
    try (QuickJsScriptEngine js = factory.getScriptEngine(options)) {
      for (Bytecode script : scripts) {
        js.eval(script);
      }
      js.invokeFunction("setupPage");
      return js.eval("Handlebars.compile(PAGE_TEMPLATE)(JSON.parse(pageModelJson()))");
    }
  }
}
