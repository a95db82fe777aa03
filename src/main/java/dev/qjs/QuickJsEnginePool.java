package dev.qjs;

import dev.qjs.internal.pool.EngineLifecycle;
import dev.qjs.internal.pool.EnginePool;
import dev.qjs.internal.pool.PoolLease;
import dev.qjs.internal.pool.PoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptException;

/**
 * A pool of ready engines: each made from the same {@link QuickJsOptions} and initialized once
 * (libraries, helpers) on a background thread, then leased to one caller at a time and given back.
 * Leased engines are ordinary {@link QuickJsScriptEngine}s ({@code Invocable},
 * {@code Compilable}).
 *
 * <pre>{@code
 * QuickJsEnginePool pool = QuickJsEnginePool.builder()
 *     .script(handlebarsSource, "handlebars.js")
 *     .script("function render(t, model) { return Handlebars.compile(t)(model) }", "render.js")
 *     .minIdle(2).maxSize(8)
 *     .leaseTimeout(Duration.ofSeconds(5))
 *     .build();
 * try (QuickJsEnginePool.Lease lease = pool.lease()) {
 *   Object html = lease.engine().invokeFunction("render", template, model);
 * }
 * }</pre>
 *
 * <p>Leasing: an idle engine at once; else the pool grows up to {@code maxSize}, and the lease
 * takes whichever engine is ready first, the one made for it or one another lease gives back;
 * else it waits, in arrival order, up to its timeout. Engines are made on the pool's daemon
 * threads ({@code quickjs-pool-warmer-N}), which also keep {@code minIdle} engines ready ahead of
 * demand.
 *
 * <p>Returning ({@link Lease#close()}): the engine is discarded (closed, off the caller's thread)
 * when a call during the lease hit a limit (time, memory, instructions, CPU time), overflowed the
 * stack or was interrupted; when the user closed it; when the lease called {@link
 * Lease#discard()}; when it served {@code maxLeasesPerEngine} leases; always with {@code
 * freshEnginePerLease(true)}. Otherwise its context is reset to what it was after the
 * initializer (the {@code ScriptContext}, its writers and reader, the bindings of both scopes,
 * {@code quickjs.*} settings; top-level names the lease added are deleted) and it waits for the
 * next lease. Values the initializer's names hold are not reset: a lease that changes them
 * changes them for later leases; use {@code freshEnginePerLease(true)} when leases must not see
 * each other at all.
 *
 * <p>{@link #close()} closes idle engines at once and leased ones when their leases end (a
 * running call is not cut short); later leases throw {@code IllegalStateException}. See
 * docs/engine-pools.md for sizing and Spring.
 */
public final class QuickJsEnginePool implements AutoCloseable {
  private final EnginePool<QuickJsScriptEngine> pool;
  private final Duration leaseTimeout;

  private QuickJsEnginePool(Builder b) {
    this.leaseTimeout = b.leaseTimeout;
    QuickJsScriptEngineFactory factory = new QuickJsScriptEngineFactory();
    QuickJsOptions options = b.options;
    List<EngineInitializer> steps = List.copyOf(b.steps);
    EngineLifecycle<QuickJsScriptEngine> lifecycle = new EngineLifecycle<>() {
      @Override
      public QuickJsScriptEngine create() {
        return factory.getScriptEngine(options);
      }

      @Override
      public void initialize(QuickJsScriptEngine engine) throws ScriptException {
        for (EngineInitializer step : steps) {
          step.initialize(engine);
        }
      }

      @Override
      public long stops(QuickJsScriptEngine engine) {
        return engine.limitStops();
      }

      @Override
      public boolean isClosed(QuickJsScriptEngine engine) {
        return engine.isClosed();
      }

      @Override
      public void close(QuickJsScriptEngine engine) {
        engine.close();
      }
    };
    int maxLeases = b.freshEnginePerLease ? 1 : b.maxLeasesPerEngine;
    this.pool = new EnginePool<>(lifecycle,
        new PoolSettings(b.minIdle, b.maxSize, b.leaseTimeout, b.freshEnginePerLease, maxLeases),
        Thread.currentThread().getContextClassLoader());
  }

  /**
   * A builder with the defaults: default options, no initializer, {@code minIdle} 0,
   * {@code maxSize} the number of processors, a 30-second lease timeout, engines reused without
   * limit.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Leases an engine, waiting up to the builder's {@code leaseTimeout}.
   *
   * @return the lease; close it (try-with-resources) to give the engine back
   * @throws TimeoutException when no engine was ready in time; the message names the pool's
   *     maximum size and the wait
   * @throws InterruptedException when the thread is interrupted while waiting
   * @throws IllegalStateException when the pool is closed
   * @throws UncheckedScriptException when the engine made for this lease failed its initializer;
   *     the cause is the initializer's {@code ScriptException}
   */
  public Lease lease() throws InterruptedException, TimeoutException {
    return lease(leaseTimeout);
  }

  /**
   * Leases an engine, waiting up to {@code timeout} (the time an engine takes to be made
   * counts; zero takes an idle engine or fails at once).
   *
   * @param timeout the longest wait, not negative
   * @return the lease; close it (try-with-resources) to give the engine back
   * @throws TimeoutException when no engine was ready in time; the message names the pool's
   *     maximum size and the wait
   * @throws InterruptedException when the thread is interrupted while waiting
   * @throws IllegalStateException when the pool is closed
   * @throws UncheckedScriptException when the engine made for this lease failed its initializer;
   *     the cause is the initializer's {@code ScriptException}
   * @throws IllegalArgumentException when the timeout is negative
   */
  public Lease lease(Duration timeout) throws InterruptedException, TimeoutException {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("the lease timeout must not be negative, not " + timeout);
    }
    return new Lease(pool.lease(timeout));
  }

  /**
   * The pool's counters now.
   *
   * @return a snapshot whose counts add up
   */
  public PoolMetrics metrics() {
    return new PoolMetrics(pool.counts());
  }

  /**
   * Closes the idle engines now and stops making engines; a leased engine is closed when its
   * lease ends (its running call is not cut short); waiting and later leases throw {@code
   * IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    pool.close();
  }

  /**
   * One engine, leased to one caller until {@link #close()}: use it from any thread meanwhile,
   * but not after (the next lease may have it).
   *
   * <pre>{@code
   * try (QuickJsEnginePool.Lease lease = pool.lease()) {
   *   QuickJsScriptEngine engine = lease.engine();
   *   engine.put("order", order);
   *   return engine.invokeFunction("price", order);
   * }
   * }</pre>
   */
  public static final class Lease implements AutoCloseable {
    private final PoolLease<QuickJsScriptEngine> lease;

    Lease(PoolLease<QuickJsScriptEngine> lease) {
      this.lease = lease;
    }

    /**
     * The leased engine.
     *
     * @return the engine, the same one for the whole lease
     * @throws IllegalStateException when the lease was closed or discarded
     */
    public QuickJsScriptEngine engine() {
      return lease.engine();
    }

    /**
     * Gives the engine back; the pool's return policy decides whether it is reused. Idempotent.
     */
    @Override
    public void close() {
      lease.close();
    }

    /**
     * Ends the lease and closes the engine: it is never leased again (say, a script left it in a
     * state you do not trust). A later {@link #close()} does nothing.
     *
     * @throws IllegalStateException when the lease was already closed (its engine may be leased
     *     again already)
     */
    public void discard() {
      lease.discard();
    }
  }

  /**
   * Settings of a pool, checked as they are set.
   *
   * <pre>{@code
   * QuickJsEnginePool pool = QuickJsEnginePool.builder()
   *     .options(QuickJsOptions.builder().timeLimit(Duration.ofSeconds(2)).build())
   *     .script(rulesSource, "rules.js")
   *     .minIdle(2).maxSize(8).maxLeasesPerEngine(1000)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private QuickJsOptions options = QuickJsOptions.defaults();
    private final List<EngineInitializer> steps = new ArrayList<>();
    private int minIdle;
    private int maxSize = Math.max(1, Runtime.getRuntime().availableProcessors());
    private Duration leaseTimeout = Duration.ofSeconds(30);
    private boolean freshEnginePerLease;
    private int maxLeasesPerEngine = Integer.MAX_VALUE;

    private Builder() {}

    /**
     * The options every engine is made with.
     *
     * @param o the options
     * @return this builder
     */
    public Builder options(QuickJsOptions o) {
      this.options = Objects.requireNonNull(o, "options");
      return this;
    }

    /**
     * Adds a step run on each new engine before its first lease; steps ({@code initializer},
     * {@code script}) run in the order they were added.
     *
     * @param init the step
     * @return this builder
     */
    public Builder initializer(EngineInitializer init) {
      steps.add(Objects.requireNonNull(init, "initializer"));
      return this;
    }

    /**
     * Adds a script evaluated into each new engine's global scope under {@code fileName} (a
     * name ending in {@code .mjs} is evaluated as a module); steps run in the order added.
     *
     * @param source the script's text
     * @param fileName its name in stack traces
     * @return this builder
     */
    public Builder script(String source, String fileName) {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(fileName, "fileName");
      steps.add(engine -> {
        engine.getContext().setAttribute(ScriptEngine.FILENAME, fileName, ScriptContext.ENGINE_SCOPE);
        try {
          engine.eval(source);
        } finally {
          engine.getContext().removeAttribute(ScriptEngine.FILENAME, ScriptContext.ENGINE_SCOPE);
        }
      });
      return this;
    }

    /**
     * Adds a script or module compiled once ({@link Bytecode#compileScript}, or loaded from saved
     * bytes with {@link Bytecode#fromBytes}), run in each new engine without parsing it again;
     * steps run in the order added. A library such as Handlebars is ready in each engine several
     * times sooner this way than from its source.
     *
     * @param code the compiled script or module
     * @return this builder
     */
    public Builder bytecode(Bytecode code) {
      Objects.requireNonNull(code, "code");
      steps.add(engine -> engine.eval(code));
      return this;
    }

    /**
     * How many engines to keep initialized and idle ahead of demand (made in the background).
     *
     * @param n 0 (the default) up to {@code maxSize}
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Builder minIdle(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("minIdle must be 0 or more, not " + n);
      }
      this.minIdle = n;
      return this;
    }

    /**
     * The most engines the pool holds, leased, idle and being made together.
     *
     * @param n 1 or more (default: the number of processors)
     * @return this builder
     * @throws IllegalArgumentException when less than 1
     */
    public Builder maxSize(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxSize must be 1 or more, not " + n);
      }
      this.maxSize = n;
      return this;
    }

    /**
     * How long {@link QuickJsEnginePool#lease()} waits for an engine.
     *
     * @param d not negative (default 30 seconds)
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Builder leaseTimeout(Duration d) {
      Objects.requireNonNull(d, "leaseTimeout");
      if (d.isNegative()) {
        throw new IllegalArgumentException("leaseTimeout must not be negative, not " + d);
      }
      this.leaseTimeout = d;
      return this;
    }

    /**
     * Whether every lease gets an engine no lease used before (each engine serves one lease and
     * is then closed; the background threads keep {@code minIdle} new ones ready).
     *
     * @param fresh true for isolation between leases (default false)
     * @return this builder
     */
    public Builder freshEnginePerLease(boolean fresh) {
      this.freshEnginePerLease = fresh;
      return this;
    }

    /**
     * How many leases an engine serves before it is closed and replaced (bounds what a
     * long-lived engine accumulates).
     *
     * @param n 1 or more (default: no limit)
     * @return this builder
     * @throws IllegalArgumentException when less than 1
     */
    public Builder maxLeasesPerEngine(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxLeasesPerEngine must be 1 or more, not " + n);
      }
      this.maxLeasesPerEngine = n;
      return this;
    }

    /**
     * A pool with these settings; it starts making {@code minIdle} engines in the background.
     *
     * @return the pool
     * @throws IllegalArgumentException when {@code minIdle} is more than {@code maxSize}
     */
    public QuickJsEnginePool build() {
      if (minIdle > maxSize) {
        throw new IllegalArgumentException(
            "minIdle (" + minIdle + ") must not be more than maxSize (" + maxSize + ")");
      }
      return new QuickJsEnginePool(this);
    }
  }
}
