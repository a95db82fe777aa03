package dev.qjs.internal.runtime;

import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * A compiled ES module: compiled once, with its imports resolved, when it is made (a syntax error
 * or a missing import is thrown then), and evaluated afresh by every {@link #eval}. A module
 * instance runs its body once, and QuickJS cannot instantiate one compiled module twice; so each
 * eval compiles the text again into a new instance and runs it, as a compiled script runs again
 * (modules it imports are evaluated once per realm, as for {@code eval}).
 */
public final class CompiledModule {
  private final JsRuntime runtime;
  private final String source;
  private final String fileName;

  public CompiledModule(Realm origin, String source, String fileName) throws ScriptException {
    this.runtime = origin.runtime();
    this.source = source;
    this.fileName = fileName;
    runtime.checkModule(source, fileName);
  }

  /**
   * Evaluates a new instance of the module in the given realm of the same runtime: its
   * namespace, or, while a top-level await waits, a CompletableFuture of it.
   */
  public @Nullable Object eval(Realm target) throws ScriptException {
    return runtime.evalModule(target, source, fileName);
  }
}
