package dev.qjs.examples.spark;

import dev.qjs.JsException;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.script.ScriptEngine;
import javax.script.ScriptException;

/**
 * One per executor JVM and shipment of rules: gives a task thread an engine with the rules
 * loaded. Engines are made on first need and kept in a small queue, so an executor holds about
 * as many engines as it runs tasks at once (its cores), each loaded once and reused by every row
 * of every task after it. An engine that hit a limit is closed rather than reused; all engines
 * close when the JVM exits.
 *
 * <p>This is the one place that knows how engines are made and rules loaded. With the library's
 * pool and bytecode its insides become a pool of the executor's cores, and {@link #score} a lease
 * ({@code key}: the driver's {@code BytecodeKey}, from a secret store, see docs/spark.md):
 *
 * <pre>{@code
 * pool = QuickJsEnginePool.builder().options(OPTIONS)
 *     .bytecode(Bytecode.fromBytes(shipped, key))
 *     .minIdle(cores).maxSize(cores).build();
 * try (QuickJsEnginePool.Lease lease = pool.lease()) {
 *   return OrderScore.fromScript(lease.engine().invokeFunction("score", orderJson));
 * }   // the pool discards an engine that hit a limit
 * }</pre>
 *
 * <p>Use:
 *
 * <pre>{@code
 * ExecutorRules rules = ExecutorRules.forShipment(broadcast.value());
 * OrderScore score = rules.score("{\"id\":\"ORD-1\", ...}");
 * }</pre>
 */
public final class ExecutorRules {

  /** Per rule call: the rules are short, so a runaway rule is stopped and its engine dropped. */
  static final QuickJsOptions OPTIONS =
      QuickJsOptions.builder().timeLimit(Duration.ofSeconds(2)).memoryLimit(64L << 20).build();

  private static final Map<String, ExecutorRules> BY_DIGEST = new ConcurrentHashMap<>();

  private final String source;
  private final ConcurrentLinkedDeque<QuickJsScriptEngine> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicInteger discarded = new AtomicInteger();

  private ExecutorRules(byte[] shipped) {
    this.source = new String(shipped, StandardCharsets.UTF_8);
  }

  /**
   * This JVM's instance for these rules, made on first call; the same bytes always give the same
   * instance, so every task of an executor shares its engines.
   */
  public static ExecutorRules forShipment(byte[] shipped) {
    return BY_DIGEST.computeIfAbsent(digest(shipped), d -> started(new ExecutorRules(shipped)));
  }

  private static ExecutorRules started(ExecutorRules rules) {
    Runtime.getRuntime().addShutdownHook(new Thread(rules::closeIdle, "close-order-rules-engines"));
    return rules;
  }

  /**
   * Scores one order given as JSON text.
   *
   * @throws IllegalArgumentException when the order is not JSON or lacks a field the rules read
   *     (the message names the order and the field)
   * @throws IllegalStateException when the rules failed otherwise, such as hitting a limit
   */
  public OrderScore score(String orderJson) {
    QuickJsScriptEngine engine = take();
    boolean reusable = true;
    try {
      return OrderScore.fromScript(engine.invokeFunction("score", orderJson));
    } catch (JsException e) {
      // a limit, an interruption or a stack overflow: never reuse the engine
      reusable = e.getClass() == JsException.class;
      if (reusable && "TypeError".equals(e.getErrorName())) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      throw new IllegalStateException("the order rules failed: " + e.getMessage(), e);
    } catch (ScriptException | NoSuchMethodException | RuntimeException e) {
      reusable = false;
      throw new IllegalStateException("the order rules failed: " + e.getMessage(), e);
    } finally {
      if (reusable) {
        idle.push(engine);
      } else {
        discarded.incrementAndGet();
        engine.close();
      }
    }
  }

  /** How many engines this JVM made for these rules: at most the tasks that ran at once. */
  public int enginesCreated() {
    return created.get();
  }

  /** How many engines were closed instead of reused after a failure. */
  public int enginesDiscarded() {
    return discarded.get();
  }

  private QuickJsScriptEngine take() {
    QuickJsScriptEngine engine = idle.poll();
    return engine != null ? engine : loaded();
  }

  private QuickJsScriptEngine loaded() {
    QuickJsScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(OPTIONS);
    try {
      engine.put(ScriptEngine.FILENAME, RulesShipment.FILE_NAME);
      engine.eval(source);
    } catch (ScriptException | RuntimeException e) {
      engine.close();
      throw new IllegalStateException("the shipped rules do not load: " + e.getMessage(), e);
    }
    created.incrementAndGet();
    return engine;
  }

  private void closeIdle() {
    for (QuickJsScriptEngine engine; (engine = idle.poll()) != null; ) {
      engine.close();
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
