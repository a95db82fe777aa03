package dev.qjs;

import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.bytecode.BytecodeCompiler;
import dev.qjs.internal.bytecode.BytecodeFormat;
import dev.qjs.internal.runtime.PortableProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import javax.script.ScriptException;

/**
 * A script or ES module compiled once into QuickJS bytecode, for any number of engines of the
 * process ({@link QuickJsScriptEngine#eval(Bytecode)} runs it without parsing it again) and, saved
 * with a {@link BytecodeKey}, for later runs and other JVMs. Compiling needs no engine: it uses a
 * compiler runtime of the library's own, with no limits, that runs nothing.
 *
 * <pre>{@code
 * Bytecode handlebars = Bytecode.compileScript(handlebarsSource, "handlebars.js");
 * for (QuickJsScriptEngine engine : engines) {
 *   engine.eval(handlebars);                       // no parsing: the bytecode is read into the engine
 * }
 * BytecodeKey key = BytecodeKey.fromFile(Path.of("/var/lib/myapp/bytecode.key"));
 * handlebars.save(Path.of("/var/cache/myapp/handlebars.qjsc"), key);
 * // in the next run, or another JVM with the same key:
 * Bytecode again = Bytecode.load(Path.of("/var/cache/myapp/handlebars.qjsc"), key);
 * }</pre>
 *
 * <p>QuickJS's bytecode reader trusts its input, so saved bytes carry an HMAC-SHA256 tag and the
 * versions of this library, QuickJS and its bytecode format; {@link #fromBytes} and {@link #load}
 * refuse anything modified, foreign, truncated or from another version with an {@link
 * InvalidBytecodeException} before QuickJS sees a byte of it. A module's imports are not part of
 * its bytecode: each engine resolves them through its own {@link ModuleLoader} when it runs it.
 * Instances are immutable and thread-safe.
 */
public final class Bytecode {
  private final PortableProgram program;

  private Bytecode(PortableProgram program) {
    this.program = program;
  }

  /**
   * What the compiled functions keep besides their code. QuickJS keeps, in each function, the text
   * of that function, so a library's bytecode holds its nested functions' text many times over
   * (Handlebars 4.7.8: 202 KB of source, 736 KB of bytecode with {@link #SOURCE_TEXT}, 116 KB with
   * {@link #LINE_NUMBERS}, which it reads about twice as fast).
   *
   * <pre>{@code
   * // a library whose functions nobody prints: smaller, faster to load, same stack traces
   * Bytecode lib = Bytecode.compileScript(source, "handlebars.js", Bytecode.DebugInfo.LINE_NUMBERS);
   * }</pre>
   */
  public enum DebugInfo {
    /**
     * Everything, as when the engine compiles source itself: each function's text (its
     * {@code toString()}) and the positions of stack traces. The default.
     */
    SOURCE_TEXT(0),
    /**
     * Positions for stack traces and errors (file, line, column), but no source text: a compiled
     * function's {@code toString()} shows {@code function name() { [native code] }}, as a
     * built-in's does. The choice for libraries and rules whose functions are not printed.
     */
    LINE_NUMBERS(QuickJsNative.EVAL_STRIP_SOURCE),
    /**
     * Neither source text nor positions: the smallest bytecode. Stack traces name its functions
     * without file or line, and an error's position is that of the nearest caller that has one.
     */
    NONE(QuickJsNative.EVAL_STRIP_DEBUG);

    private final int strip;

    DebugInfo(int strip) {
      this.strip = strip;
    }
  }

  /**
   * Compiles a script, keeping everything ({@link DebugInfo#SOURCE_TEXT}).
   *
   * @param source the script's text
   * @param fileName its name in stack traces and errors, as {@code ScriptEngine.FILENAME}
   * @return its bytecode
   * @throws ScriptException a {@link JsException} for a syntax error, with its line and column
   */
  public static Bytecode compileScript(String source, String fileName) throws ScriptException {
    return compileScript(source, fileName, DebugInfo.SOURCE_TEXT);
  }

  /**
   * Compiles a script, keeping what kept says.
   *
   * @param source the script's text
   * @param fileName its name in stack traces and errors, as {@code ScriptEngine.FILENAME}
   * @param kept what its functions keep besides their code
   * @return its bytecode
   * @throws ScriptException a {@link JsException} for a syntax error, with its line and column
   */
  public static Bytecode compileScript(String source, String fileName, DebugInfo kept) throws ScriptException {
    Objects.requireNonNull(kept, "kept");
    return new Bytecode(Compiler.INSTANCE.compileScript(source, fileName, kept.strip));
  }

  /**
   * Compiles an ES module, keeping everything ({@link DebugInfo#SOURCE_TEXT}). Its imports are
   * checked for syntax only here: which modules they are is decided by the engine that runs it,
   * through its {@link ModuleLoader}, relative to moduleId.
   *
   * @param source the module's text
   * @param moduleId its id: import.meta.url, the base of its relative imports, its name in errors
   * @return its bytecode
   * @throws ScriptException a {@link JsException} for a syntax error, with its line and column
   */
  public static Bytecode compileModule(String source, String moduleId) throws ScriptException {
    return compileModule(source, moduleId, DebugInfo.SOURCE_TEXT);
  }

  /**
   * Compiles an ES module, keeping what kept says; imports as for {@link #compileModule(String,
   * String)}.
   *
   * @param source the module's text
   * @param moduleId its id: import.meta.url, the base of its relative imports, its name in errors
   * @param kept what its functions keep besides their code
   * @return its bytecode
   * @throws ScriptException a {@link JsException} for a syntax error, with its line and column
   */
  public static Bytecode compileModule(String source, String moduleId, DebugInfo kept) throws ScriptException {
    Objects.requireNonNull(kept, "kept");
    return new Bytecode(Compiler.INSTANCE.compileModule(source, moduleId, kept.strip));
  }

  /**
   * The script's file name, or the module's id.
   *
   * @return the name it was compiled under
   */
  public String fileName() {
    return program.fileName();
  }

  /**
   * Whether this is an ES module (its eval gives its namespace) rather than a script.
   *
   * @return true for a module
   */
  public boolean isModule() {
    return program.isModule();
  }

  /**
   * The saved form: a header (format, library, QuickJS and bytecode versions, kind, name), the
   * bytecode, and an HMAC-SHA256 tag of it all made with key.
   *
   * @param key the key that {@link #fromBytes} will need
   * @return the saved form, for {@link #fromBytes}
   */
  public byte[] toBytes(BytecodeKey key) {
    Objects.requireNonNull(key, "key");
    return BytecodeFormat.encode(header(program.isModule(), program.fileName()), program.payload(), key.secret());
  }

  /**
   * Writes {@link #toBytes} to file atomically: to a temporary file in the same folder, then
   * moved into place, so a reader sees the old file or the new one, never a part.
   *
   * @param file where to write it (its folders are created)
   * @param key the key that {@link #load} will need
   * @throws IOException when the file cannot be written
   */
  public void save(Path file, BytecodeKey key) throws IOException {
    Objects.requireNonNull(file, "file");
    byte[] bytes = toBytes(key);
    Path target = file.toAbsolutePath();
    Path dir = Objects.requireNonNull(target.getParent(), "a file has a folder");
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.write(temp, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Bytecode from its saved form, verified.
   *
   * @param bytes what {@link #toBytes} gave
   * @param key the key it was made with
   * @return the bytecode, ready for {@link QuickJsScriptEngine#eval(Bytecode)}
   * @throws InvalidBytecodeException when the bytes are not saved bytecode, are truncated,
   *     were modified or tagged with another key, or were written by another version of this
   *     library or QuickJS; QuickJS never sees refused bytes
   */
  public static Bytecode fromBytes(byte[] bytes, BytecodeKey key) throws InvalidBytecodeException {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(key, "key");
    BytecodeFormat.Decoded d = BytecodeFormat.decode(bytes, key.secret(), header(false, ""));
    return new Bytecode(new PortableProgram(d.payload(), d.header().module(), d.header().name()));
  }

  /**
   * Reads and verifies a file {@link #save} wrote.
   *
   * @param file the file
   * @param key the key it was saved with
   * @return the bytecode, ready for {@link QuickJsScriptEngine#eval(Bytecode)}
   * @throws InvalidBytecodeException when refused, as {@link #fromBytes}, or when the file is
   *     larger than any saved bytecode can be
   * @throws IOException when the file cannot be read
   */
  public static Bytecode load(Path file, BytecodeKey key) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    long size = Files.size(file);
    if (size > BytecodeFormat.MAX_BYTES) {
      throw new InvalidBytecodeException(file + " is not saved bytecode: " + size + " bytes, over the limit of "
          + BytecodeFormat.MAX_BYTES);
    }
    return fromBytes(Files.readAllBytes(file), key);
  }

  PortableProgram program() {
    return program;
  }

  private static BytecodeFormat.Header header(boolean module, String name) {
    return BytecodeFormat.Header.current(QuickJsScriptEngineFactory.QUICKJS_VERSION, module, name);
  }

  @Override
  public String toString() {
    return "Bytecode[" + (isModule() ? "module " : "script ") + fileName() + ", " + program.size() + " bytes]";
  }

  /** The compiler runtime, made on first use and kept for the life of the process. */
  private static final class Compiler {
    static final BytecodeCompiler INSTANCE =
        new BytecodeCompiler(
            new QuickJsScriptEngineFactory()
                .getScriptEngine(QuickJsOptions.builder().moduleLoader(new AnyImport()).build())
                .runtime());
  }

  /**
   * The compiler runtime's loader: every import is an empty module. Compiling only records a
   * module's imports; the engine that runs it resolves them through its own loader.
   */
  private static final class AnyImport implements ModuleLoader {
    @Override
    public String resolve(String specifier, @org.jspecify.annotations.Nullable String referrer, Kind kind) {
      return specifier;
    }

    @Override
    public ModuleSource load(String id) {
      return ModuleSource.esm(id, "");
    }
  }
}
