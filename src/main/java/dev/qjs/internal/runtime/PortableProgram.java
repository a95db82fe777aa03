package dev.qjs.internal.runtime;

import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * Serialized bytecode of a script or a module, bound to no runtime: any realm of any runtime of
 * this process reads it. A script is read into a realm once and cached there for as long as this
 * program lives (as {@link CompiledProgram} caches its copies); a module is read afresh by each
 * eval, since a module instance runs its body once. The bytes are trusted: this library wrote
 * them, or they passed the authentication of {@code dev.qjs.internal.bytecode.BytecodeFormat}.
 */
public final class PortableProgram {
  /** In native memory once, read from there by every realm (not copied per engine). */
  private final NativeBytes payload;
  private final boolean module;
  private final String fileName;
  private final Object cacheKey = new Object();

  /** Copies payload: the caller may reuse it. */
  public PortableProgram(byte[] payload, boolean module, String fileName) {
    this.payload = new NativeBytes(payload);
    this.module = module;
    this.fileName = fileName;
  }

  public String fileName() {
    return fileName;
  }

  public boolean isModule() {
    return module;
  }

  /** A copy of the serialized bytecode. */
  public byte[] payload() {
    return payload.toArray();
  }

  /** The serialized bytecode's size in bytes. */
  public int size() {
    return payload.length();
  }

  /**
   * Runs the program in a realm: a script's completion value; a module's namespace, or a
   * CompletableFuture of it while a top-level await waits.
   */
  public @Nullable Object eval(Realm target) throws ScriptException {
    JsRuntime runtime = target.runtime();
    try {
      return runtime.locked(null, () -> {
        if (module) {
          return runtime.evalModuleBytecode(target, payload, fileName);
        }
        JsHandle h = target.compiled().get(cacheKey);
        if (h == null) {
          h = runtime.deserialize(target, payload);
          target.compiled().put(cacheKey, h);
        }
        return runtime.evalBytecode(target, h, fileName);
      });
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }
}
