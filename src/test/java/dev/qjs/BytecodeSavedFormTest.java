package dev.qjs;

import static dev.qjs.BytecodeTest.KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.bytecode.BytecodeFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saved bytecode loads only as written, with the key that wrote it, by the version that wrote it. */
class BytecodeSavedFormTest {
  private static final String SOURCE = "function greet(n) { return 'hello ' + n } greet('saved')";
  private static byte[] saved;
  private static byte[] savedModule;

  @BeforeAll
  static void compile() throws Exception {
    saved = Bytecode.compileScript(SOURCE, "greet.js").toBytes(KEY);
    savedModule = Bytecode.compileModule("export const answer = 6 * 7;", "answer.mjs").toBytes(KEY);
  }

  private static BytecodeKey otherKey() {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) 7);
    return BytecodeKey.of(b);
  }

  @Test
  void savedAndLoadedBytecodeRunsAsCompiled(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cache/greet.qjsc");
    Bytecode.compileScript(SOURCE, "greet.js").save(file, KEY);
    Bytecode loaded = Bytecode.load(file, KEY);
    assertEquals("greet.js", loaded.fileName());
    try (QuickJsScriptEngine engine = BytecodeTest.engine()) {
      assertEquals("hello saved", engine.eval(loaded));
    }
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "no temporary file is left beside it");
    }
  }

  @Test
  void savingReplacesAnOlderFileWhole(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("x.qjsc");
    Files.write(file, new byte[100_000]);
    Bytecode.compileScript("'new'", "x.js").save(file, KEY);
    try (QuickJsScriptEngine engine = BytecodeTest.engine()) {
      assertEquals("new", engine.eval(Bytecode.load(file, KEY)));
    }
  }

  @Test
  void theSameProgramSavesToTheSameBytes() throws Exception {
    assertArrayEquals(saved, Bytecode.compileScript(SOURCE, "greet.js").toBytes(KEY));
    assertArrayEquals(saved, Bytecode.fromBytes(saved, KEY).toBytes(KEY), "loaded and saved again");
  }

  @Test
  void everySingleByteModificationIsRefused() throws Exception {
    for (byte[] blob : new byte[][] {saved, savedModule}) {
      for (int i = 0; i < blob.length; i++) {
        for (int flip : new int[] {0x01, 0x80, 0xFF}) {
          byte[] bad = blob.clone();
          bad[i] ^= (byte) flip;
          int at = i;
          InvalidBytecodeException e = assertThrows(InvalidBytecodeException.class,
              () -> Bytecode.fromBytes(bad, KEY), "byte " + at + " ^ " + flip);
          assertTrue(e.getMessage().contains("bytecode"), e.getMessage());
        }
      }
    }
    // and what it says for a byte of the body
    byte[] bad = saved.clone();
    bad[saved.length / 2] ^= 1;
    InvalidBytecodeException e = assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(bad, KEY));
    assertTrue(e.getMessage().contains("modified") && e.getMessage().contains("another key"), e.getMessage());
  }

  @Test
  void truncationAtEveryLengthIsRefused() {
    for (int n = 0; n < saved.length; n++) {
      byte[] cut = Arrays.copyOf(saved, n);
      int at = n;
      InvalidBytecodeException e = assertThrows(InvalidBytecodeException.class,
          () -> Bytecode.fromBytes(cut, KEY), "the first " + at + " bytes");
      if (n >= 8) {
        assertTrue(e.getMessage().contains("truncated"), n + ": " + e.getMessage());
      }
    }
  }

  @Test
  void bytesAfterTheBlobAreRefused() {
    byte[] longer = Arrays.copyOf(saved, saved.length + 1);
    InvalidBytecodeException e = assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(longer, KEY));
    assertTrue(e.getMessage().contains("followed by 1 more"), e.getMessage());
  }

  @Test
  void anotherKeyIsRefused() {
    InvalidBytecodeException e =
        assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(saved, otherKey()));
    assertTrue(e.getMessage().contains("another key"), e.getMessage());
  }

  @Test
  void anotherLibraryOrQuickJsOrBytecodeVersionIsRefusedNamingBoth() throws Exception {
    byte[] payload = Bytecode.fromBytes(saved, KEY).program().payload();
    BytecodeFormat.Header current = BytecodeFormat.Header.current(QuickJsScriptEngineFactory.QUICKJS_VERSION, false, "greet.js");
    BytecodeFormat.Header[] others = {
        new BytecodeFormat.Header(current.formatVersion(), "0.0.1-old", current.quickJsVersion(), current.bytecodeVersion(), false, "greet.js"),
        new BytecodeFormat.Header(current.formatVersion(), current.libraryVersion(), "2024-01-13", current.bytecodeVersion(), false, "greet.js"),
        new BytecodeFormat.Header(current.formatVersion(), current.libraryVersion(), current.quickJsVersion(), current.bytecodeVersion() + 1, false, "greet.js"),
    };
    for (BytecodeFormat.Header other : others) {
      byte[] blob = BytecodeFormat.encode(other, payload, secretOf(KEY));
      InvalidBytecodeException e = assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(blob, KEY));
      assertTrue(e.getMessage().contains("made by library " + other.libraryVersion() + ", QuickJS " + other.quickJsVersion()),
          e.getMessage());
      assertTrue(e.getMessage().contains("this is library " + current.libraryVersion()), e.getMessage());
      assertTrue(e.getMessage().endsWith("compile it again"), e.getMessage());
    }
    BytecodeFormat.Header future = new BytecodeFormat.Header(2, current.libraryVersion(), current.quickJsVersion(),
        current.bytecodeVersion(), false, "greet.js");
    InvalidBytecodeException e = assertThrows(InvalidBytecodeException.class,
        () -> Bytecode.fromBytes(BytecodeFormat.encode(future, payload, secretOf(KEY)), KEY));
    assertTrue(e.getMessage().contains("format 2"), e.getMessage());
    // the current header round-trips (the test's way of writing headers is the real one)
    try (QuickJsScriptEngine engine = BytecodeTest.engine()) {
      assertEquals("hello saved", engine.eval(Bytecode.fromBytes(BytecodeFormat.encode(current, payload, secretOf(KEY)), KEY)));
    }
  }

  static byte[] secretOf(BytecodeKey key) {
    return key.secret();
  }

  @Test
  void garbageIsNotOurFormat() {
    Random random = new Random(18);
    for (int n : new int[] {0, 1, 3, 4, 7, 40, 1000, 100_000}) {
      byte[] garbage = new byte[n];
      random.nextBytes(garbage);
      InvalidBytecodeException e = assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(garbage, KEY));
      assertTrue(e.getMessage().startsWith("not saved bytecode"), e.getMessage());
    }
    byte[] text = "console.log('hi')".getBytes(StandardCharsets.UTF_8);
    assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(text, KEY));
  }

  @Test
  void garbageWithTheMagicAndAnyLengthIsRefusedBeforeQuickJs() {
    Random random = new Random(19);
    for (int i = 0; i < 2000; i++) {
      byte[] bytes = new byte[8 + random.nextInt(300)];
      random.nextBytes(bytes);
      System.arraycopy("QJBC".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 4);
      if (i % 2 == 0) {
        java.nio.ByteBuffer.wrap(bytes).putInt(4, bytes.length); // a length that fits
      }
      assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(bytes, KEY));
    }
  }

  @Test
  void hugeInputsAreRefusedWithoutReadingThemWhole(@TempDir Path dir) throws Exception {
    byte[] big = new byte[64 << 20];
    System.arraycopy(saved, 0, big, 0, 8);
    InvalidBytecodeException e = assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(big, KEY));
    assertTrue(e.getMessage().contains("followed by"), e.getMessage());
    Path sparse = dir.resolve("huge.qjsc");
    try (var ch = java.nio.channels.FileChannel.open(sparse, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), BytecodeFormat.MAX_BYTES + 1);
    }
    InvalidBytecodeException huge = assertThrows(InvalidBytecodeException.class, () -> Bytecode.load(sparse, KEY));
    assertTrue(huge.getMessage().contains("over the limit"), huge.getMessage());
  }

  @Test
  void aMissingFileIsAnIoExceptionNotARefusal(@TempDir Path dir) {
    IOException e = assertThrows(IOException.class, () -> Bytecode.load(dir.resolve("absent.qjsc"), KEY));
    assertTrue(!(e instanceof InvalidBytecodeException), e.toString());
  }

  @Test
  void aModuleSavesAndLoadsAsAModule() throws Exception {
    Bytecode m = Bytecode.fromBytes(savedModule, KEY);
    assertTrue(m.isModule());
    assertEquals("answer.mjs", m.fileName());
    try (QuickJsScriptEngine engine = BytecodeTest.engine()) {
      assertEquals(42, ((JsObject) engine.eval(m)).get("answer"));
    }
  }

  /**
   * A file saved here runs in another JVM that has only the file and the key: that JVM never had
   * the source, so it cannot have parsed it.
   */
  @Test
  void aSavedFileRunsInAnotherJvmThatNeverSawTheSource(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("keys/bytecode.key");
    BytecodeKey key = BytecodeKey.fromFile(keyFile);
    Bytecode.compileScript("var items = [3, 1, 2]; 'sorted ' + items.sort().join('<')", "sort.js")
        .save(dir.resolve("sort.qjsc"), key);
    Bytecode.compileModule("import { rate } from 'lib/tax.js'; export default 100 * (1 + rate);", "rules.mjs")
        .save(dir.resolve("rules.qjsc"), key);
    // quickjs.tests.java: the launcher of an emulated JVM (native-libs/test-emulated.sh)
    String java = System.getProperty(
        "quickjs.tests.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        BytecodeChildJvm.class.getName(), keyFile.toString(), dir.resolve("sort.qjsc").toString(),
        dir.resolve("rules.qjsc").toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("script: sorted 1<2<3"), out);
    assertTrue(out.contains("module: 125"), out);
  }
}
