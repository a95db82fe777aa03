package dev.qjs.internal.runtime;

import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.ValueWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * The evaluation operations of {@link JsRuntime}, run on its call template: scripts (their
 * bytecode cached per realm for repeated sources), modules (a top-level await answered with a
 * future of the namespace), compiled bytecode written, read and run. Each is a static method
 * the runtime references as an operation: a call allocates nothing for it.
 */
final class Evaluation {
  private static final int EVAL_CACHE_MAX_CHARS = 64 * 1024;

  private Evaluation() {}

  private static byte[] cString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] z = new byte[b.length + 1];
    System.arraycopy(b, 0, z, 0, b.length);
    return z;
  }

  /**
   * The eval cache's key. A class rather than a record: a record's equals and hashCode are
   * bootstrapped through invokedynamic on first use, about 8 ms of every cold start.
   */
  private static final class EvalKey {
    private final String fileName;
    private final String source;
    private final int hash;

    EvalKey(String fileName, String source) {
      this.fileName = fileName;
      this.source = source;
      this.hash = fileName.hashCode() * 31 + source.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof EvalKey k && k.hash == hash && k.source.equals(source)
          && k.fileName.equals(fileName);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  static @Nullable Object evalModule(JsRuntime self, long rt, Realm realm, @Nullable Object source, @Nullable Object file, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    String fileName = JsRuntime.operand(file, String.class);
    self.setCurrentFile(fileName);
    ValueWriter w = self.request().source(JsRuntime.operand(source, String.class));
    int rc = QuickJsNative.qjs_eval(
        rt, realm.pointer(), w.address(), w.length(), cString(fileName), QuickJsNative.EVAL_MODULE);
    if (rc != QuickJsNative.PENDING) {
      return self.result(rc, realm, fileName);
    }
    ByteBuffer out = self.output();
    Object evaluation = self.values().read(out, realm);
    Object namespace = self.values().read(out, realm);
    if (evaluation instanceof java.util.concurrent.CompletableFuture<?> f) {
      return f.thenApply(done -> namespace);
    }
    return namespace;
  }

  static @Nullable Object eval(JsRuntime self, long rt, Realm realm, @Nullable Object text, @Nullable Object file, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    String source = JsRuntime.operand(text, String.class);
    String fileName = JsRuntime.operand(file, String.class);
    self.setCurrentFile(fileName);
    boolean cacheable = source.length() <= EVAL_CACHE_MAX_CHARS;
    EvalKey key = cacheable ? new EvalKey(fileName, source) : null;
    JsHandle cached = key != null ? realm.evalCache().get(key) : null;
    if (cached != null) {
      return self.result(QuickJsNative.qjs_eval_bytecode(rt, realm.pointer(), cached.pointer()), realm, fileName);
    }
    ValueWriter w = self.request().source(source);
    int rc =
        QuickJsNative.qjs_eval(
            rt,
            realm.pointer(),
            w.address(),
            w.length(),
            cString(fileName),
            cacheable ? QuickJsNative.EVAL_KEEP_BYTECODE : 0);
    if (key == null || rc < 0) {
      return self.result(rc, realm, fileName);
    }
    ByteBuffer out = self.output();
    if (out.get() == 1) {
      long handle = out.getLong();
      realm.evalCache().put(key, self.newHandle(realm, handle, 0, QuickJsNative.KIND_BYTECODE));
    }
    return self.decodeResult(rc, out, realm, fileName);
  }

  /** c: the EVAL_STRIP_* flags (an Integer) of what the functions compiled leave out. */
  static @Nullable Object compile(JsRuntime self, long rt, Realm realm, @Nullable Object source, @Nullable Object fileName, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    ValueWriter w = self.request().source(JsRuntime.operand(source, String.class));
    int rc = QuickJsNative.qjs_eval(
        rt, realm.pointer(), w.address(), w.length(), cString(JsRuntime.operand(fileName, String.class)),
        QuickJsNative.EVAL_COMPILE_ONLY | stripFlag(c));
    return self.result(rc, realm, (String) fileName);
  }

  /** Compiles a module and resolves its imports, running nothing; null, or the SyntaxError thrown. */
  static @Nullable Object checkModule(JsRuntime self, long rt, Realm realm, @Nullable Object source, @Nullable Object file, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    String fileName = JsRuntime.operand(file, String.class);
    self.setCurrentFile(fileName);
    ValueWriter w = self.request().source(JsRuntime.operand(source, String.class));
    int rc = QuickJsNative.qjs_eval(rt, realm.pointer(), w.address(), w.length(), cString(fileName),
        QuickJsNative.EVAL_MODULE | QuickJsNative.EVAL_COMPILE_ONLY);
    return self.result(rc, realm, fileName);
  }

  private static int stripFlag(@Nullable Object strip) {
    return JsRuntime.operand(strip, Integer.class) & (QuickJsNative.EVAL_STRIP_SOURCE | QuickJsNative.EVAL_STRIP_DEBUG);
  }

  /** The shim's output as bytes (serialized bytecode). */
  private static byte[] outputBytes(JsRuntime self) {
    ByteBuffer out = self.output();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }

  static @Nullable Object serialize(JsRuntime self, long rt, Realm realm, @Nullable Object bytecode, @Nullable Object b, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    int rc = QuickJsNative.qjs_bytecode_write(rt, realm.pointer(), JsRuntime.operand(bytecode, JsHandle.class).pointer());
    if (rc != QuickJsNative.OK) {
      self.result(rc, realm, null);
    }
    return outputBytes(self);
  }

  static @Nullable Object deserialize(JsRuntime self, long rt, Realm realm, @Nullable Object bytecode, @Nullable Object b, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    NativeBytes bytes = JsRuntime.operand(bytecode, NativeBytes.class);
    int rc = QuickJsNative.qjs_bytecode_read(rt, realm.pointer(), bytes.address(), bytes.length());
    bytes.reachedUntilHere();
    return self.result(rc, realm, null);
  }

  static @Nullable Object evalBytecode(JsRuntime self, long rt, Realm realm, @Nullable Object bytecode, @Nullable Object fileName, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    return self.result(
        QuickJsNative.qjs_eval_bytecode(rt, realm.pointer(), JsRuntime.operand(bytecode, JsHandle.class).pointer()), realm, (String) fileName);
  }
  /**
   * Compiles a module without running it and returns its bytecode serialized: the module's
   * imports are resolved in this realm (the caller's loader decides what they are) but not saved;
   * whoever reads the bytes resolves them again. c: as for {@link #compile}.
   */
  static @Nullable Object compileModuleBytecode(JsRuntime self, long rt, Realm realm, @Nullable Object source, @Nullable Object file, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    String fileName = JsRuntime.operand(file, String.class);
    self.setCurrentFile(fileName);
    ValueWriter w = self.request().source(JsRuntime.operand(source, String.class));
    int rc = QuickJsNative.qjs_eval(rt, realm.pointer(), w.address(), w.length(), cString(fileName),
        QuickJsNative.EVAL_MODULE | QuickJsNative.EVAL_COMPILE_ONLY | QuickJsNative.EVAL_KEEP_BYTECODE | stripFlag(c));
    if (rc != QuickJsNative.OK) {
      self.result(rc, realm, fileName);
      throw new IllegalStateException("compiling " + fileName + " gave neither bytecode nor an error: " + rc);
    }
    return outputBytes(self);
  }

  /**
   * Reads serialized module bytecode into a realm and evaluates it, its imports resolved through
   * the realm's loader: its namespace, or a CompletableFuture of it while a top-level await waits.
   */
  static @Nullable Object evalModuleBytecode(JsRuntime self, long rt, Realm realm, @Nullable Object bytecode, @Nullable Object file, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    String fileName = JsRuntime.operand(file, String.class);
    self.setCurrentFile(fileName);
    NativeBytes bytes = JsRuntime.operand(bytecode, NativeBytes.class);
    int rc = QuickJsNative.qjs_bytecode_read(rt, realm.pointer(), bytes.address(), bytes.length());
    bytes.reachedUntilHere();
    if (rc != QuickJsNative.PENDING) {
      return self.result(rc, realm, fileName);
    }
    ByteBuffer out = self.output();
    Object evaluation = self.values().read(out, realm);
    Object namespace = self.values().read(out, realm);
    if (evaluation instanceof java.util.concurrent.CompletableFuture<?> f) {
      return f.thenApply(done -> namespace);
    }
    return namespace;
  }
}
