package dev.qjs.bench.quickjs;

import dev.qjs.JsObject;
import dev.qjs.QuickJsEnginePool;
import dev.qjs.bench.jsr223.Engines;
import dev.qjs.bench.jsr223.SpringTemplateBench;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * QUICKJS ONLY (uses {@code dev.qjs.QuickJsEnginePool}): workload 18, the Spring-shaped render of
 * {@code SpringTemplateBench} (Handlebars, the 23,919-char page, a Java model of
 * {@code LinkedHashMap}/{@code ArrayList} values) with an engine leased from a pool for every
 * render and given back: lease, {@code invokeFunction("render", template, model, url)}, close.
 * The pool has two engines, made and initialized (Handlebars, page.js, render) before measuring.
 * 18a leases from one thread, 18b from two ({@code @Threads}); the goal on 2 cores is 18b >= 1.8x
 * 18a. Throughput is renders per second of all threads together.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PoolRenderBench {
  static final String URL = "classpath:templates/page.hbs";
  static final int PAGE_LENGTH = 23_919;

  /** The pool and the page, shared by the benchmark's threads. */
  @State(Scope.Benchmark)
  public static class Pool {
    QuickJsEnginePool pool;
    String template;
    Map<String, Object> javaModel;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      String prelude = Engines.resource("prelude.js");
      String handlebars = Engines.fetched("handlebars.js");
      String page = Engines.resource("page.js");
      pool = QuickJsEnginePool.builder()
          .script(prelude, "prelude.js")
          .script(handlebars, "handlebars.js")
          .script(page, "page.js")
          .script(SpringTemplateBench.RENDER, "render.js")
          .initializer(engine -> Engines.check("setupPage()", engine.eval("setupPage()"), PAGE_LENGTH))
          .minIdle(2).maxSize(2).leaseTimeout(Duration.ofSeconds(30))
          .build();
      try (QuickJsEnginePool.Lease lease = pool.lease()) {
        template = (String) lease.engine().get("PAGE_TEMPLATE");
        JsObject model = (JsObject) lease.engine().eval("JSON.parse(pageModelJson())");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) (Map<String, ?>) model.toJava();
        javaModel = m;
      }
      // both engines ready and each renders the page once before measuring
      try (QuickJsEnginePool.Lease a = pool.lease(); QuickJsEnginePool.Lease b = pool.lease()) {
        check("render on engine a", a.engine().invokeFunction("render", template, javaModel, URL));
        check("render on engine b", b.engine().invokeFunction("render", template, javaModel, URL));
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      System.err.println("pool: " + pool.metrics());
      pool.close();
    }
  }

  static Object check(String what, Object page) {
    if (!(page instanceof String s) || s.length() != PAGE_LENGTH || !s.endsWith("</html>")) {
      throw new IllegalStateException(what + " gave " + (page instanceof String s ? s.length() + " chars" : page)
          + ", not the page of " + PAGE_LENGTH + " chars");
    }
    return page;
  }

  /** The last page of each thread, checked after each iteration. */
  @State(Scope.Thread)
  public static class Last {
    Object page;

    @TearDown(Level.Iteration)
    public void checkLast() {
      if (page != null) {
        check("a pooled render while measuring", page);
      }
      page = null;
    }
  }

  static Object render(Pool p, Last last) throws Exception {
    try (QuickJsEnginePool.Lease lease = p.pool.lease()) {
      return last.page = lease.engine().invokeFunction("render", p.template, p.javaModel, URL);
    }
  }

  /** 18a: one thread leasing. */
  @Benchmark
  @Threads(1)
  public Object pooledRender1Thread(Pool p, Last last) throws Exception {
    return render(p, last);
  }

  /** 18b: two threads leasing from the pool of two (the score is both threads' renders). */
  @Benchmark
  @Threads(2)
  public Object pooledRender2Threads(Pool p, Last last) throws Exception {
    return render(p, last);
  }
}
