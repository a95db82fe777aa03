package dev.qjs.internal.runtime;

import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * A compiled script: QuickJS bytecode compiled once in one realm. QuickJS binds bytecode to the
 * realm it was made in, so running it for another realm reads a serialized copy into that realm
 * (once per realm, cached there for as long as this program lives); the first realm's globals are
 * never touched.
 */
public final class CompiledProgram {
  private final Realm origin;
  private final JsHandle bytecode;
  private final String fileName;
  private final Object cacheKey = new Object();
  private @Nullable NativeBytes serialized;

  public CompiledProgram(Realm origin, String source, String fileName) throws ScriptException {
    this.origin = origin;
    this.fileName = fileName;
    this.bytecode = origin.runtime().compile(origin, source, fileName, 0);
  }

  public String fileName() {
    return fileName;
  }

  /** Runs the program in the given realm of the same runtime. */
  public @Nullable Object eval(Realm target) throws ScriptException {
    JsRuntime runtime = origin.runtime();
    try {
      return runtime.locked(null, () -> runtime.evalBytecode(target, bytecodeFor(target), fileName));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsHandle bytecodeFor(Realm target) throws ScriptException {
    if (target == origin) {
      return bytecode;
    }
    JsHandle h = target.compiled().get(cacheKey);
    if (h == null) {
      if (serialized == null) {
        serialized = new NativeBytes(origin.runtime().serialize(origin, bytecode));
      }
      h = origin.runtime().deserialize(target, serialized);
      target.compiled().put(cacheKey, h);
    }
    return h;
  }
}
