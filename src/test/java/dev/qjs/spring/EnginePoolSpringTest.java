package dev.qjs.spring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.PoolMetrics;
import dev.qjs.QuickJsEnginePool;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.script.ScriptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.servlet.view.script.ScriptTemplateConfigurer;

/**
 * Engine pools in Spring: {@code ScriptTemplateView} fed by a pool through its engine supplier,
 * and a plain service that leases an engine per request; both under concurrent requests, with
 * real Handlebars from its WebJar.
 */
@Timeout(180)
class EnginePoolSpringTest {
  /** The pool's initializer scripts: Spring's Handlebars setup (polyfill, the WebJar's file, render.js). */
  static QuickJsEnginePool.Builder handlebarsPool() {
    PathMatchingResourcePatternResolver resources = new PathMatchingResourcePatternResolver();
    try {
      String ours = "classpath:dev/qjs/spring/handlebars/";
      String webJar = ScriptTemplateViewTest.webJarDir("handlebars", "dist/handlebars.js");
      return QuickJsEnginePool.builder()
          .script(resources.getResource(ours + "polyfill.js").getContentAsString(UTF_8), "polyfill.js")
          .script(resources.getResource(webJar + "handlebars.js").getContentAsString(UTF_8), "handlebars.js")
          .script(resources.getResource(ours + "render.js").getContentAsString(UTF_8), "render.js");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void scriptTemplateViewRendersFromFourThreadsWithEnginesFromAPool() throws Exception {
    try (QuickJsEnginePool pool = handlebarsPool().minIdle(4).maxSize(4).build()) {
      ScriptTemplateConfigurer configurer = new ScriptTemplateConfigurer();
      // Spring keeps one engine per thread when sharedEngine is false: each request thread leases
      // one engine, already initialized, and keeps it for the thread's life
      configurer.setEngineSupplier(() -> {
        try {
          return pool.lease().engine();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        } catch (TimeoutException e) {
          throw new IllegalStateException(e);
        }
      });
      configurer.setSharedEngine(false);
      configurer.setRenderFunction("render");
      configurer.setResourceLoaderPath("classpath:dev/qjs/spring/handlebars/");
      MockMvc mvc = ScriptTemplateViewTest.mvc(configurer);
      ScriptTemplateViewTest.renderConcurrently(mvc, ScriptTemplateViewTest::assertHandlebarsPage);
      PoolMetrics m = pool.metrics();
      assertEquals(4, m.leased(), "one engine per request thread: " + m);
      assertEquals(4, m.creations(), "the pool made them, Spring loaded no script: " + m);
    }
  }

  /** A service that leases an engine for each request and gives it back. */
  public static final class GreetingService {
    private final QuickJsEnginePool pool;

    public GreetingService(QuickJsEnginePool pool) {
      this.pool = pool;
    }

    public String page(String user)
        throws ScriptException, NoSuchMethodException, InterruptedException, TimeoutException {
      try (QuickJsEnginePool.Lease lease = pool.lease()) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("user", user);
        model.put("items", List.of(new ScriptTemplateViewTest.Item("Tea", 3), new ScriptTemplateViewTest.Item("Cake", 5)));
        Map<String, Object> renderingContext = Map.of("url", "greeting");
        Object html = lease.engine().invokeFunction("render",
            "<p>Hello, {{user}}!</p>{{#each items}}<i>{{name}}={{price}}</i>{{/each}}", model, renderingContext);
        return (String) html;
      }
    }
  }

  @Configuration
  public static class ServiceConfig {
    @Bean(destroyMethod = "close")
    public QuickJsEnginePool templatePool() {
      return handlebarsPool().minIdle(2).maxSize(2).build();
    }

    @Bean
    public GreetingService greetingService(QuickJsEnginePool templatePool) {
      return new GreetingService(templatePool);
    }
  }

  @Test
  void aServiceLeasingPerRequestServesEightThreadsFromAtMostTwoEngines() throws Exception {
    QuickJsEnginePool pool;
    try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(ServiceConfig.class)) {
      GreetingService service = context.getBean(GreetingService.class);
      pool = context.getBean(QuickJsEnginePool.class);
      int threads = 8;
      int requests = 25;
      ExecutorService exec = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(exec.submit(() -> {
            start.await();
            for (int i = 0; i < requests; i++) {
              String user = "<user-" + thread + "-" + i + ">";
              String html = service.page(user);
              assertEquals("<p>Hello, &lt;user-" + thread + "-" + i + "&gt;!</p><i>Tea=3</i><i>Cake=5</i>", html);
            }
            return requests;
          }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> f : done) {
          total += f.get(120, TimeUnit.SECONDS);
        }
        assertEquals(threads * requests, total);
      } finally {
        exec.shutdownNow();
      }
      PoolMetrics m = pool.metrics();
      assertEquals(threads * requests, m.leases(), m.toString());
      // the second engine may still be initializing when a loaded machine has served every request
      assertTrue(m.creations() >= 1 && m.creations() <= 2, "at most two engines served every request: " + m);
      assertTrue(m.size() <= 2, "never more than the maximum size: " + m);
      assertEquals(0, m.leased(), m.toString());
      assertTrue(m.waits() > 0, "eight threads on two engines wait: " + m);
    }
    // the context's shutdown closed the pool
    assertThrows(IllegalStateException.class, pool::lease);
    assertEquals(0, pool.metrics().size());
  }
}
