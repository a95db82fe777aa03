package dev.qjs.bench.jsr223;

import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Workload 20a: a render in an engine nobody used before, as an application that isolates every
 * request does it: a new engine, Handlebars and the page's scripts evaluated from source into it,
 * the page rendered once (the template compiled by Handlebars, the JS model of
 * {@link HandlebarsBench}, 23,919 chars, checked), the engine closed. Milliseconds per render.
 * {@code dev.qjs.bench.quickjs.IsolatedRenderFromBytecodeBench} (20b) does the same work with the
 * scripts compiled once; issue 18's goal: 20b at least 10x Nashorn's rate here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class IsolatedRenderBench {
  static final String RENDER_JS_MODEL =
      "Handlebars.compile(PAGE_TEMPLATE)(JSON.parse(pageModelJson()))";

  @Param({"quickjs"})
  public String engine;

  private String prelude;
  private String handlebars;
  private String page;

  @Setup
  public void setUp() throws Exception {
    prelude = Engines.resource("prelude.js");
    handlebars = Engines.fetched("handlebars.js");
    page = Engines.resource("page.js");
    HandlebarsBench.check("an isolated render", isolatedRenderFromSource());
  }

  @Benchmark
  public Object isolatedRenderFromSource() throws Exception {
    ScriptEngine js = Engines.create(engine);
    try {
      Engines.eval(js, "prelude.js", prelude);
      Engines.eval(js, "handlebars.js", handlebars);
      Engines.eval(js, "page.js", page);
      ((Invocable) js).invokeFunction("setupPage");
      return js.eval(RENDER_JS_MODEL);
    } finally {
      Engines.close(js);
    }
  }
}
