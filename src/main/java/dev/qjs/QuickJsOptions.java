package dev.qjs;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Settings for an engine, fixed when it is made: immutable, built with {@link #builder()}.
 *
 * <pre>{@code
 * QuickJsOptions options = QuickJsOptions.builder()
 *     .timeLimit(Duration.ofSeconds(2))        // per call
 *     .memoryLimit(64L << 20)                  // bytes
 *     .classFilter(name -> name.startsWith("java.time."))
 *     .build();
 * ScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(options);
 * }</pre>
 *
 * <p>Code that only sees {@code ScriptEngine} sets the same limits with ENGINE_SCOPE entries,
 * read on every call and never visible to scripts: {@code quickjs.timeout} (a {@code Duration},
 * or milliseconds as a {@code Number}), {@code quickjs.memoryLimit} and
 * {@code quickjs.maxStackSize} (bytes). System properties of the same names are process-wide
 * defaults. An entry beats the options, the options beat a system property.
 */
public final class QuickJsOptions {
  private static final QuickJsOptions DEFAULTS = new Builder().build();

  private final @Nullable ClassFilter classFilter;
  private final @Nullable Duration timeLimit;
  private final long memoryLimit;
  private final long maxStackSize;
  private final long gcThreshold;

  private QuickJsOptions(Builder b) {
    this.classFilter = b.classFilter;
    this.timeLimit = b.timeLimit;
    this.memoryLimit = b.memoryLimit;
    this.maxStackSize = b.maxStackSize;
    this.gcThreshold = b.gcThreshold;
  }

  /** The options of an engine made by {@code ScriptEngineManager}: no Java class access. */
  public static QuickJsOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The filter for {@code Java.type}; null when scripts get no {@code Java} object. */
  public @Nullable ClassFilter classFilter() {
    return classFilter;
  }

  /** How long one call (eval, invokeFunction, a mirror method …) may run; null for no limit. */
  public @Nullable Duration timeLimit() {
    return timeLimit;
  }

  /** Bytes the engine's heap may use; 0 for no limit. */
  public long memoryLimit() {
    return memoryLimit;
  }

  /** Bytes of stack scripts may use; 0 for as much of the calling thread's stack as is safe. */
  public long maxStackSize() {
    return maxStackSize;
  }

  /** Bytes allocated between garbage collections; 0 for QuickJS's default. */
  public long gcThreshold() {
    return gcThreshold;
  }

  /** Builds {@link QuickJsOptions}. */
  public static final class Builder {
    private @Nullable ClassFilter classFilter;
    private @Nullable Duration timeLimit;
    private long memoryLimit;
    private long maxStackSize;
    private long gcThreshold;

    private Builder() {}

    /** A limit on each call's running time; past it the call throws JsTimeoutException. */
    public Builder timeLimit(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("the time limit must be positive: " + limit);
      }
      this.timeLimit = limit;
      return this;
    }

    /** A limit on the engine's heap in bytes; past it the call throws JsMemoryLimitException. */
    public Builder memoryLimit(long bytes) {
      this.memoryLimit = positive(bytes, "memory limit");
      return this;
    }

    /** A limit on the stack scripts use, in bytes (never more than the thread safely has). */
    public Builder maxStackSize(long bytes) {
      this.maxStackSize = positive(bytes, "stack size");
      return this;
    }

    /** Bytes allocated between garbage collections. */
    public Builder gcThreshold(long bytes) {
      this.gcThreshold = positive(bytes, "GC threshold");
      return this;
    }

    private static long positive(long v, String what) {
      if (v <= 0) {
        throw new IllegalArgumentException("the " + what + " must be positive: " + v);
      }
      return v;
    }

    /**
     * Gives scripts a {@code Java} object ({@code Java.type}, {@code Java.from}, {@code Java.to})
     * for the classes this filter exposes.
     */
    public Builder classFilter(ClassFilter filter) {
      this.classFilter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    public QuickJsOptions build() {
      return new QuickJsOptions(this);
    }
  }
}
