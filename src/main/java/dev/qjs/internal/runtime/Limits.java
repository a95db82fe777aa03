package dev.qjs.internal.runtime;

import dev.qjs.internal.profile.CpuProfiler;
import dev.qjs.ModuleLoader;
import dev.qjs.internal.modules.ModuleRegistry;
import dev.qjs.internal.modules.ModuleRoots;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The limits of one call: running time and thread CPU time in nanoseconds, the instruction
 * budget in poll points, heap bytes and stack bytes (0: none). Also the one reading of the
 * ENGINE_SCOPE settings that carry a value, used both when a value is put (a bad one is refused
 * there) and when a call reads it.
 *
 * @param timeoutNanos how long the call may run
 * @param memoryLimit bytes the heap may hold
 * @param maxStack bytes of stack scripts may use
 * @param instructionLimit poll points (calls and jumps, see docs/engine.md) the call may pass
 * @param cpuTimeNanos CPU time the calling thread may spend in the call
 * @param debug debug mode ({@code quickjs.debug}): failures carry a code frame and the failing
 *     frame's variables (not a limit, but read with them on every call)
 */
public record Limits(
    long timeoutNanos, long memoryLimit, long maxStack, long instructionLimit, long cpuTimeNanos, boolean debug) {
  public static final Limits NONE = new Limits(0, 0, 0, 0, 0, false);

  /** ENGINE_SCOPE keys of the limits, read on every call; also system property names. */
  public static final String TIMEOUT_KEY = "quickjs.timeout";
  public static final String MEMORY_LIMIT_KEY = "quickjs.memoryLimit";
  public static final String MAX_STACK_SIZE_KEY = "quickjs.maxStackSize";
  public static final String INSTRUCTION_LIMIT_KEY = "quickjs.instructionLimit";
  public static final String CPU_TIME_LIMIT_KEY = "quickjs.cpuTimeLimit";
  /** ENGINE_SCOPE key: true runs {@code eval} as an ES module. */
  public static final String MODULE_KEY = "quickjs.module";
  /** ENGINE_SCOPE key (and system property): true records code frames and the failing frame's variables. */
  public static final String DEBUG_KEY = "quickjs.debug";
  /** ENGINE_SCOPE key: the source map (ECMA-426 JSON text) of the scripts evaluated while it is set. */
  public static final String SOURCE_MAP_KEY = "quickjs.sourceMap";
  /** ENGINE_SCOPE key (and system property): the folders modules and load() may read. */
  public static final String MODULE_ROOTS_KEY = ModuleRoots.KEY;
  /** ENGINE_SCOPE key: a ModuleLoader asked before the roots and the options' loader. */
  public static final String MODULE_LOADER_KEY = ModuleRegistry.LOADER_KEY;

  /**
   * Longer time limits are cut to this (100 years): Duration.toNanos() overflows past 292 years,
   * and the deadline, System.nanoTime() plus the limit, must not wrap round into the past.
   */
  private static final long MAX_TIMEOUT_NANOS = Duration.ofDays(36_525).toNanos();

  /**
   * Refuses a value that {@code key} cannot take, before it is stored: a bad limit would
   * otherwise fail every later call. Keys without a value form, and null (none), pass.
   *
   * @throws IllegalArgumentException naming the key and the forms it accepts
   */
  public static void check(String key, @Nullable Object value) {
    switch (key) {
      case TIMEOUT_KEY, CPU_TIME_LIMIT_KEY -> timeoutNanos(value, key);
      case MEMORY_LIMIT_KEY, MAX_STACK_SIZE_KEY, INSTRUCTION_LIMIT_KEY -> bytes(value, key);
      case MODULE_KEY, DEBUG_KEY -> flag(value, key);
      case SOURCE_MAP_KEY -> {
        if (value != null && !(value instanceof String)) {
          throw new IllegalArgumentException(key + " must be a source map's JSON text (a String), not a "
              + value.getClass().getName());
        }
      }
      case CpuProfiler.KEY -> {
        if (value != null) {
          CpuProfiler.path(value); // a file path, or refused here
        }
      }
      case MODULE_ROOTS_KEY -> ModuleRoots.entries(value, key);
      case MODULE_LOADER_KEY -> {
        if (value != null && !(value instanceof ModuleLoader)) {
          String shown = String.valueOf(value);
          throw new IllegalArgumentException(key + " must be a dev.qjs.ModuleLoader (ModuleLoader.directory,"
              + " classpath, ofMap, nodeModules, webJars or your own), not "
              + (shown.length() > 100 ? shown.substring(0, 100) + "..." : shown)
              + " (" + value.getClass().getName() + ")");
        }
      }
      default -> { }
    }
  }

  /**
   * A Duration, milliseconds as a Number, or such text ("250", "PT2S"); null or 0: none; longer
   * than 100 years: 100 years.
   */
  public static long timeoutNanos(@Nullable Object value, String key) {
    if (value == null) {
      return 0;
    }
    if (value instanceof Duration d) {
      return d.isNegative()
          ? bad(key, value)
          : d.compareTo(Duration.ofNanos(MAX_TIMEOUT_NANOS)) > 0 ? MAX_TIMEOUT_NANOS : d.toNanos();
    }
    if (value instanceof Number n) {
      double ms = n.doubleValue();
      return ms < 0 || Double.isNaN(ms)
          ? bad(key, value)
          : (long) Math.min(ms * 1_000_000, (double) MAX_TIMEOUT_NANOS);
    }
    if (!(value instanceof CharSequence)) {
      return bad(key, value);
    }
    String text = value.toString().trim();
    try {
      return text.startsWith("P") || text.startsWith("p")
          ? timeoutNanos(Duration.parse(text), key)
          : timeoutNanos(Double.parseDouble(text), key);
    } catch (RuntimeException e) {
      return bad(key, value);
    }
  }

  /**
   * A whole number, not negative, as a Number or text (bytes; poll points for
   * {@code quickjs.instructionLimit}); null or 0: none.
   */
  public static long bytes(@Nullable Object value, String key) {
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Number) && !(value instanceof CharSequence)) {
      return bad(key, value);
    }
    try {
      BigDecimal d = value instanceof BigDecimal bd ? bd
          : value instanceof BigInteger bi ? new BigDecimal(bi)
          : value instanceof Double || value instanceof Float
              ? new BigDecimal(((Number) value).doubleValue())
          : value instanceof Number n ? BigDecimal.valueOf(n.longValue())
          : new BigDecimal(value.toString().trim());
      long n = d.longValueExact(); // a fraction or more than a long holds is no byte count
      return n < 0 ? bad(key, value) : n;
    } catch (ArithmeticException | NumberFormatException e) {
      return bad(key, value);
    }
  }

  /** A Boolean or the text "true"/"false"; null: false. */
  public static boolean flag(@Nullable Object value, String key) {
    if (value == null || value instanceof Boolean) {
      return Boolean.TRUE.equals(value);
    }
    if (value instanceof CharSequence s) {
      String t = s.toString().trim();
      if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
        return t.equalsIgnoreCase("true");
      }
    }
    bad(key, value);
    return false;
  }

  private static long bad(String key, Object value) {
    String forms =
        switch (key) {
          case TIMEOUT_KEY, CPU_TIME_LIMIT_KEY -> "a java.time.Duration that is not negative,"
              + " milliseconds as a Number (0: none), or such text (\"250\", \"PT2S\")";
          case INSTRUCTION_LIMIT_KEY -> "a whole number of poll points, not negative (0: none),"
              + " as a Number or text (\"1000000\")";
          case MODULE_KEY -> "a Boolean or the text \"true\" or \"false\"";
          default -> "a whole number of bytes, not negative (0: none), as a Number or text";
        };
    String shown = String.valueOf(value);
    if (shown.length() > 100) {
      shown = shown.substring(0, 100) + "...";
    }
    throw new IllegalArgumentException(
        key + " must be " + forms + ", not " + shown
            + (value == null ? "" : " (" + value.getClass().getName() + ")"));
  }
}
