package dev.qjs.internal.bytecode;

import dev.qjs.internal.runtime.JsHandle;
import dev.qjs.internal.runtime.JsRuntime;
import dev.qjs.internal.runtime.PortableProgram;
import dev.qjs.internal.runtime.Realm;
import java.util.Objects;
import javax.script.ScriptException;

/**
 * Compiles scripts and modules into {@link PortableProgram}s in a runtime of its own that no user
 * engine shares and that runs nothing: a script is compiled in one realm and serialized; a module
 * is compiled in a fresh realm each time (freed with it), its imports resolved by the runtime's
 * loader (which answers every import with an empty module: only the module's own bytecode is
 * saved, and the engine that loads it resolves its imports through its own loader). Thread-safe:
 * the runtime's lock serializes compilations.
 */
public final class BytecodeCompiler {
  private final JsRuntime runtime;
  private final Realm scripts;

  /** runtime: a runtime with no limits whose module loader answers every import. */
  public BytecodeCompiler(JsRuntime runtime) {
    this.runtime = runtime;
    this.scripts = runtime.newRealm();
  }

  /**
   * A script's bytecode; a syntax error is thrown as a JsException with its position. strip: what
   * its functions leave out, as for {@link JsRuntime#compile}.
   */
  public PortableProgram compileScript(String source, String fileName, int strip) throws ScriptException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(fileName, "fileName");
    byte[] payload =
        locked(() -> {
          JsHandle h = runtime.compile(scripts, source, fileName, strip);
          return runtime.serialize(scripts, h);
        });
    return new PortableProgram(payload, false, fileName);
  }

  /** A module's bytecode; a syntax error is thrown as a JsException with its position. strip: as above. */
  public PortableProgram compileModule(String source, String moduleId, int strip) throws ScriptException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(moduleId, "moduleId");
    byte[] payload = locked(() -> runtime.compileModuleBytecode(source, moduleId, strip));
    return new PortableProgram(payload, true, moduleId);
  }

  private byte[] locked(JsRuntime.Action<byte[]> work) throws ScriptException {
    try {
      return Objects.requireNonNull(runtime.locked(null, work));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }
}
