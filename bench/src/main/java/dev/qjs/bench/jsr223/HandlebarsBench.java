package dev.qjs.bench.jsr223;

import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Workload 6: Handlebars 4.7.8 (dist/handlebars.js, fetched by run.sh with {@code npm pack}
 * into target/js/, never committed) renders the page of js/page.js from a model parsed from
 * JSON once; renders per second, each page's length checked.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandlebarsBench {
  /** The length of the rendered page (quickjs, qjs, Nashorn, Rhino and GraalJS agree). */
  public static final int PAGE_LENGTH = 23_919;

  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private Object last;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    Engines.eval(js, "prelude.js", Engines.resource("prelude.js"));
    Engines.eval(js, "handlebars.js", Engines.fetched("handlebars.js"));
    Engines.eval(js, "page.js", Engines.resource("page.js"));
    invocable = (Invocable) js;
    Engines.check("setupPage()", invocable.invokeFunction("setupPage"), PAGE_LENGTH);
    check("renderPage()", invocable.invokeFunction("renderPage"));
  }

  public static void check(String what, Object page) {
    if (!(page instanceof String s) || s.length() != PAGE_LENGTH || !s.endsWith("</html>")) {
      throw new IllegalStateException(what + " returned "
          + (page instanceof String s ? s.length() + " chars" : String.valueOf(page))
          + ", not the page of " + PAGE_LENGTH + " chars");
    }
  }

  @Benchmark
  public Object render() throws Exception {
    return last = invocable.invokeFunction("renderPage");
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    check("renderPage() while measuring", last);
    last = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
