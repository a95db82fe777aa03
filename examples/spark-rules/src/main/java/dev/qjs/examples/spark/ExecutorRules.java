package dev.qjs.examples.spark;

import dev.qjs.Bytecode;
import dev.qjs.InvalidBytecodeException;
import dev.qjs.JsException;
import dev.qjs.QuickJsEnginePool;
import dev.qjs.QuickJsOptions;
import dev.qjs.UncheckedScriptException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import javax.script.ScriptException;

/**
 * One per executor JVM and shipment of rules: a pool of engines with the rules loaded, as many
 * as the executor has cores (the tasks it runs at once). The shipped bytes are checked against
 * {@link RulesKey} and their bytecode runs in each engine as it is made, without parsing; a task
 * leases an engine per row, and the pool discards an engine that hit a limit. The pools close
 * when the JVM exits.
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

  private final QuickJsEnginePool pool;

  private ExecutorRules(byte[] shipped) {
    Bytecode rules;
    try {
      rules = Bytecode.fromBytes(shipped, RulesKey.load());
    } catch (InvalidBytecodeException e) {
      throw new IllegalStateException("the shipped rules are refused (" + e.getMessage()
          + "): the driver and this executor must read the same key, see " + RulesKey.PROPERTY, e);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    this.pool = QuickJsEnginePool.builder()
        .options(OPTIONS)
        .bytecode(rules)
        .maxSize(cores)
        .leaseTimeout(Duration.ofSeconds(30))
        .build();
  }

  /**
   * This JVM's instance for these rules, made on first call; the same bytes always give the same
   * instance, so every task of an executor shares its engines.
   *
   * @throws IllegalStateException when the bytes were changed or signed with another key
   */
  public static ExecutorRules forShipment(byte[] shipped) {
    return BY_DIGEST.computeIfAbsent(digest(shipped), d -> started(new ExecutorRules(shipped)));
  }

  private static ExecutorRules started(ExecutorRules rules) {
    Runtime.getRuntime().addShutdownHook(new Thread(rules.pool::close, "close-order-rules-engines"));
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
    try (QuickJsEnginePool.Lease lease = pool.lease()) {
      return OrderScore.fromScript(lease.engine().invokeFunction("score", orderJson));
    } catch (JsException e) {
      // a limit, an interruption or a stack overflow is a subclass: the pool discards that engine
      if (e.getClass() == JsException.class && "TypeError".equals(e.getErrorName())) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      throw new IllegalStateException("the order rules failed: " + e.getMessage(), e);
    } catch (UncheckedScriptException e) {
      throw new IllegalStateException("the shipped rules do not load: " + e.getMessage(), e);
    } catch (ScriptException | NoSuchMethodException | TimeoutException | RuntimeException e) {
      throw new IllegalStateException("the order rules failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an engine", e);
    }
  }

  /** How many engines this JVM made for these rules: at most the tasks that ran at once. */
  public int enginesCreated() {
    return (int) pool.metrics().creations();
  }

  /** How many engines were closed instead of reused after a failure. */
  public int enginesDiscarded() {
    return (int) pool.metrics().discards();
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
