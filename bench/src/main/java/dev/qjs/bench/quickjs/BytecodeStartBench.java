package dev.qjs.bench.quickjs;

import dev.qjs.Bytecode;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.bench.jsr223.Engines;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * QUICKJS ONLY (uses {@code dev.qjs.Bytecode}): a new engine with Handlebars 4.7.8 ready
 * ({@code Handlebars.compile} defined), from source ({@code eval} of handlebars.js: parse and
 * run) vs from bytecode compiled once ({@code eval(Bytecode)}: read and run), keeping each
 * function's source text (the default) or line numbers only ({@code DebugInfo.LINE_NUMBERS}, the
 * choice for a library); the engine is closed each time. Issue 18's goal: bytecode at least 5x
 * faster.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BytecodeStartBench {
  private final QuickJsScriptEngineFactory factory = new QuickJsScriptEngineFactory();
  private String source;
  private Bytecode compiled;
  private Bytecode withoutText;

  @Setup
  public void setUp() throws Exception {
    source = Engines.fetched("handlebars.js");
    compiled = Bytecode.compileScript(source, "handlebars.js");
    withoutText = Bytecode.compileScript(source, "handlebars.js", Bytecode.DebugInfo.LINE_NUMBERS);
    for (Object ready : new Object[] {fromSource(), fromBytecode(), fromBytecodeWithoutSourceText()}) {
      if (!"function".equals(ready)) {
        throw new IllegalStateException("Handlebars.compile is " + ready + ", not a function");
      }
    }
  }

  @Benchmark
  public Object fromSource() throws Exception {
    try (QuickJsScriptEngine js = factory.getScriptEngine(QuickJsOptions.builder().build())) {
      js.put(ScriptEngine.FILENAME, "handlebars.js");
      js.eval(source);
      return js.eval("typeof Handlebars.compile");
    }
  }

  @Benchmark
  public Object fromBytecode() throws Exception {
    try (QuickJsScriptEngine js = factory.getScriptEngine(QuickJsOptions.builder().build())) {
      js.eval(compiled);
      return js.eval("typeof Handlebars.compile");
    }
  }

  @Benchmark
  public Object fromBytecodeWithoutSourceText() throws Exception {
    try (QuickJsScriptEngine js = factory.getScriptEngine(QuickJsOptions.builder().build())) {
      js.eval(withoutText);
      return js.eval("typeof Handlebars.compile");
    }
  }
}
