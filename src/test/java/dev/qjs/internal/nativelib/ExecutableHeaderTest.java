package dev.qjs.internal.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Format, processor and interpreter read from the first bytes of programs and libraries. */
class ExecutableHeaderTest {

  /** A minimal ELF program: header, one PT_LOAD and one PT_INTERP naming {@code interpreter}. */
  static ByteBuffer elf(boolean is64, ByteOrder order, int machine, String interpreter) {
    int ehsize = is64 ? 64 : 52;
    int phentsize = is64 ? 56 : 32;
    int phoff = ehsize;
    int interpOffset = phoff + 2 * phentsize;
    byte[] text = (interpreter + "\0").getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(interpOffset + text.length).order(order);
    b.put(new byte[] {0x7F, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1});
    b.putShort(16, (short) 3); // ET_DYN
    b.putShort(18, (short) machine);
    b.putInt(20, 1);
    if (is64) {
      b.putLong(0x20, phoff);
      b.putShort(0x34, (short) ehsize);
      b.putShort(0x36, (short) phentsize);
      b.putShort(0x38, (short) 2);
      b.putInt(phoff, 1); // PT_LOAD first
      int interp = phoff + phentsize;
      b.putInt(interp, 3);
      b.putLong(interp + 8, interpOffset);
      b.putLong(interp + 32, text.length);
    } else {
      b.putInt(0x1C, phoff);
      b.putShort(0x28, (short) ehsize);
      b.putShort(0x2A, (short) phentsize);
      b.putShort(0x2C, (short) 2);
      b.putInt(phoff, 1);
      int interp = phoff + phentsize;
      b.putInt(interp, 3);
      b.putInt(interp + 4, interpOffset);
      b.putInt(interp + 16, text.length);
    }
    b.position(interpOffset);
    b.put(text);
    return ByteBuffer.wrap(b.array());
  }

  private static ByteBuffer resource(String name) throws IOException {
    try (InputStream in = ExecutableHeaderTest.class.getClassLoader().getResourceAsStream(name)) {
      assertNotNull(in, name + " is not on the test class path (JNA's jar)");
      return ByteBuffer.wrap(in.readNBytes(ExecutableHeader.READ_LIMIT));
    }
  }

  @Test
  void aMuslProgramsInterpreterIsRead() {
    ByteBuffer program = elf(true, ByteOrder.LITTLE_ENDIAN, 183, "/lib/ld-musl-aarch64.so.1");
    assertEquals("/lib/ld-musl-aarch64.so.1", ExecutableHeader.elfInterpreter(program));
    assertEquals("aarch64", ExecutableHeader.elfMachine(program));
    assertEquals(64, ExecutableHeader.elfBits(program));
  }

  @Test
  void a32BitBigEndianProgramsInterpreterIsRead() {
    ByteBuffer program = elf(false, ByteOrder.BIG_ENDIAN, 20, "/lib/ld.so.1");
    assertEquals("/lib/ld.so.1", ExecutableHeader.elfInterpreter(program));
    assertEquals("ppc", ExecutableHeader.elfMachine(program));
    assertEquals(32, ExecutableHeader.elfBits(program));
  }

  @Test
  void aRealGlibcProgramNamesGlibcsLoader() {
    // this JVM's own launcher: a program of this JVM's processor, also under emulation
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    assumeTrue(Files.isRegularFile(java), "no " + java);
    ByteBuffer header = ExecutableHeader.read(java);
    assertNotNull(header);
    String interpreter = ExecutableHeader.elfInterpreter(header);
    assertNotNull(interpreter, "no interpreter in " + java);
    assumeTrue(!interpreter.contains("musl"), "this is a musl system");
    assertEquals(NativePlatform.Libc.GLIBC, NativePlatform.libcOfFile(interpreter), interpreter);
    assertEquals(NativePlatform.canonicalArch(System.getProperty("os.arch")), ExecutableHeader.elfMachine(header));
  }

  @Test
  void theMuslLoaderItselfIsAnElfWithoutInterpreter() {
    Path loader = Paths.get("/lib/ld-musl-x86_64.so.1");
    assumeTrue(Files.exists(loader), "musl is not installed (apt-get install musl)");
    ByteBuffer header = ExecutableHeader.read(loader);
    assertNotNull(header);
    assertEquals("ELF", ExecutableHeader.format(header));
    assertEquals("x86-64", ExecutableHeader.elfMachine(header));
    assertNull(ExecutableHeader.elfInterpreter(header), "the loader names no loader");
  }

  @Test
  void librariesForOtherProcessorsAreNamedInJnasWords() throws IOException {
    assertEquals("aarch64", ExecutableHeader.elfMachine(resource("com/sun/jna/linux-aarch64/libjnidispatch.so")));
    assertEquals("x86-64", ExecutableHeader.elfMachine(resource("com/sun/jna/linux-x86-64/libjnidispatch.so")));
    ByteBuffer x86 = resource("com/sun/jna/linux-x86/libjnidispatch.so");
    assertEquals("x86", ExecutableHeader.elfMachine(x86));
    assertEquals(32, ExecutableHeader.elfBits(x86));
    assertEquals("ppc64le", ExecutableHeader.elfMachine(resource("com/sun/jna/linux-ppc64le/libjnidispatch.so")));
    assertEquals("s390x", ExecutableHeader.elfMachine(resource("com/sun/jna/linux-s390x/libjnidispatch.so")));
    assertEquals("riscv64", ExecutableHeader.elfMachine(resource("com/sun/jna/linux-riscv64/libjnidispatch.so")));
    assertEquals("arm", ExecutableHeader.elfMachine(resource("com/sun/jna/linux-arm/libjnidispatch.so")));
  }

  @Test
  void macOsAndWindowsLibrariesAreToldApart() throws IOException {
    ByteBuffer mac = resource("com/sun/jna/darwin-aarch64/libjnidispatch.jnilib");
    assertEquals("Mach-O", ExecutableHeader.format(mac));
    assertNull(ExecutableHeader.elfMachine(mac));
    ByteBuffer windows = resource("com/sun/jna/win32-x86-64/jnidispatch.dll");
    assertEquals("PE", ExecutableHeader.format(windows));
    assertNull(ExecutableHeader.elfInterpreter(windows));
  }

  @Test
  void aSharedLibraryHasNoInterpreter() throws IOException {
    assertNull(ExecutableHeader.elfInterpreter(resource("com/sun/jna/linux-x86-64/libjnidispatch.so")));
  }

  @Test
  void garbageTruncationAndLiesGiveNothingAndNeverThrow() {
    assertNull(ExecutableHeader.format(ByteBuffer.allocate(0)));
    assertNull(ExecutableHeader.elfInterpreter(ByteBuffer.allocate(0)));
    assertNull(ExecutableHeader.elfMachine(ByteBuffer.wrap(new byte[] {0x7F, 'E', 'L', 'F'})));
    assertNull(ExecutableHeader.format(ByteBuffer.wrap("version https://git-lfs.github.com/spec/v1\n".getBytes(StandardCharsets.US_ASCII))));

    ByteBuffer good = elf(true, ByteOrder.LITTLE_ENDIAN, 62, "/lib64/ld-linux-x86-64.so.2");
    for (int cut = 0; cut < good.limit(); cut++) {
      ExecutableHeader.elfInterpreter(ByteBuffer.wrap(good.array(), 0, cut).slice());
    }
    ByteBuffer outside = elf(true, ByteOrder.LITTLE_ENDIAN, 62, "/lib64/ld-linux-x86-64.so.2");
    outside.order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 56 + 8, Long.MAX_VALUE - 4);
    assertNull(ExecutableHeader.elfInterpreter(outside));
    ByteBuffer manyHeaders = elf(false, ByteOrder.LITTLE_ENDIAN, 3, "/lib/ld-linux.so.2");
    manyHeaders.order(ByteOrder.LITTLE_ENDIAN).putShort(0x2C, (short) 0xFFFF);
    assertEquals("/lib/ld-linux.so.2", ExecutableHeader.elfInterpreter(manyHeaders));
    ByteBuffer badClass = elf(true, ByteOrder.LITTLE_ENDIAN, 62, "/x");
    badClass.put(4, (byte) 7);
    assertNull(ExecutableHeader.elfInterpreter(badClass));

    Random random = new Random(8);
    byte[] noise = new byte[4096];
    for (int i = 0; i < 2000; i++) {
      random.nextBytes(noise);
      noise[0] = 0x7F;
      noise[1] = 'E';
      noise[2] = 'L';
      noise[3] = 'F';
      noise[4] = (byte) (1 + (i & 1));
      noise[5] = (byte) (1 + ((i >> 1) & 1));
      ExecutableHeader.elfInterpreter(ByteBuffer.wrap(noise));
      ExecutableHeader.elfMachine(ByteBuffer.wrap(noise));
    }
  }
}
