package dev.qjs;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Settings for an engine, fixed when it is made: immutable, built with {@link #builder()}.
 *
 * <pre>{@code
 * QuickJsOptions options = QuickJsOptions.builder()
 *     .classFilter(name -> name.startsWith("java.time."))
 *     .build();
 * ScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(options);
 * }</pre>
 */
public final class QuickJsOptions {
  private static final QuickJsOptions DEFAULTS = new Builder().build();

  private final @Nullable ClassFilter classFilter;

  private QuickJsOptions(Builder b) {
    this.classFilter = b.classFilter;
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

  /** Builds {@link QuickJsOptions}. */
  public static final class Builder {
    private @Nullable ClassFilter classFilter;

    private Builder() {}

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
