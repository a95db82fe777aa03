package dev.qjs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
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
 * read on every call and never visible to scripts: {@code quickjs.timeout} and
 * {@code quickjs.cpuTimeLimit} (a {@code Duration}, or milliseconds as a {@code Number}),
 * {@code quickjs.instructionLimit} (poll points), {@code quickjs.memoryLimit} and
 * {@code quickjs.maxStackSize} (bytes). System properties of the same names are process-wide
 * defaults. An entry beats the options, the options beat a system property.
 *
 * <p>Modules: {@link Builder#moduleLoader(ModuleLoader)} decides where {@code import} and
 * {@code require} find code (by default npm WebJars on the class path, nothing else);
 * {@link Builder#hostModule(HostModule)} publishes Java modules under {@code host:} names.
 * Code that only sees {@code ScriptEngine} adds folders with the ENGINE_SCOPE entry (or system
 * property) {@code quickjs.moduleRoots} (a {@code String} of paths separated by {@code
 * File.pathSeparator}, a {@code Path}, or a {@code Collection} of them; {@code classpath:prefix/}
 * for resources) and a loader with the entry {@code quickjs.moduleLoader}; both are asked before
 * this loader. The same folders serve the script globals {@code load} and {@code
 * loadWithNewGlobal}.
 */
public final class QuickJsOptions {
  private static final QuickJsOptions DEFAULTS = new Builder().build();

  private final @Nullable ClassFilter classFilter;
  private final @Nullable Duration timeLimit;
  private final long instructionLimit;
  private final @Nullable Duration cpuTimeLimit;
  private final boolean debug;
  private final int debugPort;
  private final long memoryLimit;
  private final long maxStackSize;
  private final long gcThreshold;
  private final @Nullable ModuleLoader moduleLoader;
  private final List<HostModule> hostModules;
  private final boolean discoverHostModules;
  private final @Nullable Consumer<? super JsException> uncaughtErrorHandler;

  private QuickJsOptions(Builder b) {
    this.classFilter = b.classFilter;
    this.timeLimit = b.timeLimit;
    this.instructionLimit = b.instructionLimit;
    this.cpuTimeLimit = b.cpuTimeLimit;
    this.debug = b.debug;
    this.debugPort = b.debugPort;
    this.memoryLimit = b.memoryLimit;
    this.maxStackSize = b.maxStackSize;
    this.gcThreshold = b.gcThreshold;
    this.moduleLoader = b.moduleLoader;
    this.hostModules = List.copyOf(b.hostModules);
    this.discoverHostModules = b.discoverHostModules;
    this.uncaughtErrorHandler = b.uncaughtErrorHandler;
  }

  /**
   * The options of an engine made by {@code ScriptEngineManager}: no Java class access.
   *
   * @return the shared default options: no class filter, no limits beyond system properties,
   *     WebJars as modules, discovered host modules
   */
  public static QuickJsOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a set of options, each setting at its default.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The filter for {@code Java.type}.
   *
   * @return the filter; null when scripts get no {@code Java} object
   */
  public @Nullable ClassFilter classFilter() {
    return classFilter;
  }

  /**
   * How long one call (eval, invokeFunction, a mirror method …) may run.
   *
   * @return the time limit, positive; null when the options set none
   */
  public @Nullable Duration timeLimit() {
    return timeLimit;
  }

  /**
   * How many poll points (function calls and bytecode jumps, such as loop iterations) one call
   * may pass: a limit that stops the same script at the same place on every run.
   *
   * @return the instruction budget, positive; 0 when the options set none
   */
  public long instructionLimit() {
    return instructionLimit;
  }

  /**
   * How much CPU time the calling thread may spend in one call.
   *
   * @return the CPU-time limit, positive; null when the options set none
   */
  public @Nullable Duration cpuTimeLimit() {
    return cpuTimeLimit;
  }

  /**
   * Whether debug mode is on: see {@link Builder#debug(boolean)}.
   *
   * @return true when failures carry a code frame and the failing frame's variables
   */
  public boolean debug() {
    return debug;
  }

  /**
   * The loopback TCP port a debugger attaches to: see {@link Builder#debugPort(int)}.
   *
   * @return the port, 1..65535; 0 when the options set none (the system property {@code
   *     quickjs.debug.port} then decides)
   */
  public int debugPort() {
    return debugPort;
  }

  /**
   * Bytes the engine's heap may use.
   *
   * @return the memory limit in bytes; 0 when the options set none
   */
  public long memoryLimit() {
    return memoryLimit;
  }

  /**
   * Bytes of stack scripts may use.
   *
   * @return the stack limit in bytes; 0 when the options set none (as much of the calling
   *     thread's stack as is safe)
   */
  public long maxStackSize() {
    return maxStackSize;
  }

  /**
   * Bytes allocated between garbage collections.
   *
   * @return the threshold in bytes; 0 for QuickJS's default
   */
  public long gcThreshold() {
    return gcThreshold;
  }

  /**
   * Where {@code import} and {@code require} find modules.
   *
   * @return the loader; null for the default, npm WebJars on the class path of the thread that
   *     makes the engine
   */
  public @Nullable ModuleLoader moduleLoader() {
    return moduleLoader;
  }

  /**
   * The host modules given to the builder (not those ServiceLoader finds).
   *
   * @return an unmodifiable list, in the order they were given; empty when none were
   */
  public List<HostModule> hostModules() {
    return hostModules;
  }

  /**
   * Whether {@link HostModule}s listed in {@code META-INF/services} are published too.
   *
   * @return true (the default) when they are discovered with {@link java.util.ServiceLoader}
   */
  public boolean discoverHostModules() {
    return discoverHostModules;
  }

  /**
   * Receives what no script caught: promise rejections no handler took by the end of a call,
   * and errors thrown by timer and {@code queueMicrotask} callbacks; null to print them to the
   * context's error writer.
   *
   * @return the handler; null when none was set
   */
  public @Nullable Consumer<? super JsException> uncaughtErrorHandler() {
    return uncaughtErrorHandler;
  }

  /**
   * Builds {@link QuickJsOptions}. Each setter checks its argument at once and returns this
   * builder; {@link #build()} may be called more than once, and later changes do not reach
   * options already built. Not thread-safe.
   *
   * <pre>{@code
   * QuickJsOptions.Builder b = QuickJsOptions.builder().memoryLimit(32L << 20);
   * QuickJsOptions plain = b.build();
   * QuickJsOptions withJava = b.classFilter(name -> name.equals("java.util.UUID")).build();
   * }</pre>
   */
  public static final class Builder {
    private static final Pattern HOST_MODULE_NAME = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    private @Nullable ModuleLoader moduleLoader;
    private final List<HostModule> hostModules = new ArrayList<>();
    private boolean discoverHostModules = true;
    private @Nullable Consumer<? super JsException> uncaughtErrorHandler;
    private @Nullable ClassFilter classFilter;
    private @Nullable Duration timeLimit;
    private long instructionLimit;
    private @Nullable Duration cpuTimeLimit;
    private boolean debug;
    private int debugPort;
    private long memoryLimit;
    private long maxStackSize;
    private long gcThreshold;

    private Builder() {}

    /**
     * A limit on each call's running time; past it the call throws {@link JsTimeoutException}.
     *
     * @param limit the longest a call may run, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code limit} is zero or negative
     */
    public Builder timeLimit(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("the time limit must be positive: " + limit);
      }
      this.timeLimit = limit;
      return this;
    }

    /**
     * A budget of poll points per call, the same on every run whatever the machine's load; past
     * it the call throws {@link JsInstructionLimitException}. One poll point is a function or
     * constructor call or a jump in the bytecode (each loop iteration, each conditional), as
     * QuickJS counts them for its interrupt checks; a regular expression match counts 10,000
     * per 10,000 of its steps. Each call (eval, invokeFunction, a mirror's call) gets the whole
     * budget; calls made from Java inside it share it. See {@code docs/engine.md}.
     *
     * @param pollPoints the most poll points a call may pass, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code pollPoints} is zero or negative
     */
    public Builder instructionLimit(long pollPoints) {
      this.instructionLimit = positive(pollPoints, "instruction limit");
      return this;
    }

    /**
     * Debug mode (also the ENGINE_SCOPE entry and system property {@code quickjs.debug} =
     * {@code true}): a failure's {@link JsException} also carries a code frame (the failing line
     * with a caret and two lines around it, in the original source when a source map has it) and
     * the failing frame's arguments and variables, rendered safely (two levels deep, a few
     * hundred characters, no getter run, Java objects by their class), and its message shows
     * both. Off, it costs nothing.
     *
     * @param on true to turn debug mode on
     * @return this builder
     */
    public Builder debug(boolean on) {
      this.debug = on;
      return this;
    }

    /**
     * Lets a debugger such as VS Code step through this engine's scripts (also the system
     * property {@code quickjs.debug.port}, for every engine of the process): the process listens
     * on this port of the loopback interface for the Debug Adapter Protocol ({@code "request":
     * "attach"}), and the engine is one thread there, its scripts sources named by their
     * {@code FILENAME}. With the system property {@code quickjs.debug.suspend=true} the engine's
     * first script waits until a debugger has attached. Without a debugger attached the engine
     * runs at full speed.
     *
     * @param port the TCP port, 1..65535; engines with the same port share one listener
     * @return this builder
     * @throws IllegalArgumentException when {@code port} is not in 1..65535
     */
    public Builder debugPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("the debug port must be in 1..65535: " + port);
      }
      this.debugPort = port;
      return this;
    }

    /**
     * A limit on the CPU time the calling thread spends in each call (in the script and in the
     * Java methods it calls, which run on the same thread); past it the call throws
     * {@link JsCpuTimeLimitException}. Time spent waiting (for the engine's lock, in a Java
     * method that sleeps or blocks) does not count, so a busy machine does not cut scripts
     * short.
     *
     * @param limit the most CPU time a call may use, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code limit} is zero or negative
     */
    public Builder cpuTimeLimit(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("the CPU time limit must be positive: " + limit);
      }
      this.cpuTimeLimit = limit;
      return this;
    }

    /**
     * A limit on the engine's heap in bytes; past it the call throws
     * {@link JsMemoryLimitException}.
     *
     * @param bytes the most the heap may hold, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is zero or negative
     */
    public Builder memoryLimit(long bytes) {
      this.memoryLimit = positive(bytes, "memory limit");
      return this;
    }

    /**
     * A limit on the stack scripts use, in bytes (never more than the thread safely has); past
     * it the call throws {@link JsStackOverflowException}.
     *
     * @param bytes the most stack scripts may use, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is zero or negative
     */
    public Builder maxStackSize(long bytes) {
      this.maxStackSize = positive(bytes, "stack size");
      return this;
    }

    /**
     * Bytes allocated between garbage collections.
     *
     * @param bytes the threshold, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is zero or negative
     */
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
     *
     * @param filter decides which classes scripts may reach by name
     * @return this builder
     */
    public Builder classFilter(ClassFilter filter) {
      this.classFilter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * Where {@code import}, {@code import()} and {@code require} find modules, e.g.
     * {@code ModuleLoader.directory(root).orElse(ModuleLoader.webJars(loader))}. Without one,
     * npm WebJars on the class path of the thread that makes the engine.
     *
     * @param loader finds the modules; replaces any loader set before
     * @return this builder
     */
    public Builder moduleLoader(ModuleLoader loader) {
      this.moduleLoader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /**
     * Publishes a Java module that scripts import as {@code "host:" + module.name()}.
     *
     * @param module the module; its {@link HostModule#name()} is read now
     * @return this builder
     * @throws IllegalArgumentException when the name is not 1 to 200 letters, digits or
     *     {@code . _ - /}, or another module given to this builder has the same name
     */
    public Builder hostModule(HostModule module) {
      Objects.requireNonNull(module, "module");
      String name = module.name();
      if (name == null || !HOST_MODULE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "a host module name is 1-200 letters, digits or . _ - /, not " + name);
      }
      for (HostModule m : hostModules) {
        if (m.name().equals(name)) {
          throw new IllegalArgumentException("two host modules are named " + name);
        }
      }
      hostModules.add(module);
      return this;
    }

    /**
     * Whether host modules listed in {@code META-INF/services/dev.qjs.HostModule} on the class
     * path are published too (default true); one given to {@link #hostModule} wins over a
     * discovered one of the same name.
     *
     * @param discover false to publish only the modules given to {@link #hostModule}
     * @return this builder
     */
    public Builder discoverHostModules(boolean discover) {
      this.discoverHostModules = discover;
      return this;
    }

    /**
     * Receives rejections no handler took and errors thrown by timer and {@code queueMicrotask}
     * callbacks, instead of the context's error writer. Runs on the thread that ran the engine,
     * inside the engine's lock: keep it short and do not call the engine from it.
     *
     * @param handler receives each uncaught error as a {@link JsException}
     * @return this builder
     */
    public Builder uncaughtErrorHandler(Consumer<? super JsException> handler) {
      this.uncaughtErrorHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * The options as set so far.
     *
     * @return new, immutable options
     */
    public QuickJsOptions build() {
      return new QuickJsOptions(this);
    }
  }
}
