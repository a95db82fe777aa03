package dev.qjs.internal.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What the first bytes of a program or library say about it: its format, the processor an ELF
 * file is built for, and an ELF program's interpreter (the dynamic loader, which names the C
 * library: {@code /lib/ld-musl-x86_64.so.1} or {@code /lib64/ld-linux-x86-64.so.2}).
 *
 * <p>The parsing is pure (a byte buffer in, a string out) and never throws on malformed input:
 * whatever does not parse gives null.
 */
final class ExecutableHeader {
  /** How much of a file {@link #read} takes: the headers and interpreter of any real program. */
  static final int READ_LIMIT = 64 * 1024;

  private static final int PT_INTERP = 3;
  private static final int MAX_INTERPRETER = 4096;

  private ExecutableHeader() {}

  /** The first {@link #READ_LIMIT} bytes of a file; null when it cannot be read. */
  static @Nullable ByteBuffer read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return ByteBuffer.wrap(in.readNBytes(READ_LIMIT));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** "ELF", "Mach-O", "PE" (a Windows DLL or program), or null for anything else. */
  static @Nullable String format(ByteBuffer file) {
    ByteBuffer b = file.duplicate().order(ByteOrder.BIG_ENDIAN);
    if (b.limit() < 4) {
      return b.limit() >= 2 && b.get(0) == 'M' && b.get(1) == 'Z' ? "PE" : null;
    }
    int magic = b.getInt(0);
    if (magic == 0x7F454C46) {
      return "ELF";
    }
    if (magic == 0xFEEDFACE || magic == 0xFEEDFACF || magic == 0xCEFAEDFE || magic == 0xCFFAEDFE
        || (magic == 0xCAFEBABE && b.limit() >= 8 && b.getInt(4) > 0 && b.getInt(4) < 20)) {
      // 0xCAFEBABE is also a Java class file; a fat Mach-O has a small architecture count next
      return "Mach-O";
    }
    return b.get(0) == 'M' && b.get(1) == 'Z' ? "PE" : null;
  }

  /**
   * The processor an ELF file is built for, in JNA's architecture names ({@code x86-64}, {@code
   * aarch64}, {@code x86}, {@code arm}, {@code ppc64le}, {@code s390x} …); null when the buffer
   * is no ELF file or the machine is none we name.
   */
  static @Nullable String elfMachine(ByteBuffer file) {
    ByteBuffer b = elf(file);
    if (b == null || b.limit() < 20) {
      return null;
    }
    boolean is64 = b.get(4) == 2;
    boolean little = b.get(5) == 1;
    int machine = Short.toUnsignedInt(b.getShort(18));
    return switch (machine) {
      case 3 -> "x86";
      case 62 -> "x86-64";
      case 183 -> "aarch64";
      case 40 -> "arm";
      case 20 -> "ppc";
      case 21 -> little ? "ppc64le" : "ppc64";
      case 22 -> is64 ? "s390x" : "s390";
      case 243 -> is64 ? "riscv64" : "riscv32";
      case 258 -> "loongarch64";
      case 8 -> is64 ? (little ? "mips64el" : "mips64") : (little ? "mipsel" : "mips");
      case 2, 43 -> is64 ? "sparcv9" : "sparc";
      default -> null;
    };
  }

  /** 32 or 64 for an ELF file, else 0. */
  static int elfBits(ByteBuffer file) {
    ByteBuffer b = elf(file);
    return b == null ? 0 : b.get(4) == 2 ? 64 : 32;
  }

  /**
   * The interpreter (PT_INTERP) an ELF program names, such as {@code /lib/ld-musl-x86_64.so.1};
   * null when the buffer holds no ELF file, the file has no interpreter (a static program or a
   * plain shared library), or the headers point outside the buffer.
   */
  static @Nullable String elfInterpreter(ByteBuffer file) {
    ByteBuffer b = elf(file);
    if (b == null) {
      return null;
    }
    try {
      boolean is64 = b.get(4) == 2;
      long phoff = is64 ? b.getLong(0x20) : Integer.toUnsignedLong(b.getInt(0x1C));
      int phentsize = Short.toUnsignedInt(b.getShort(is64 ? 0x36 : 0x2A));
      int phnum = Short.toUnsignedInt(b.getShort(is64 ? 0x38 : 0x2C));
      if (phentsize < (is64 ? 56 : 32) || phoff <= 0 || phoff >= b.limit()) {
        return null;
      }
      for (int i = 0; i < phnum; i++) {
        long at = phoff + (long) i * phentsize;
        if (at + phentsize > b.limit()) {
          return null;
        }
        int entry = (int) at;
        if (b.getInt(entry) != PT_INTERP) {
          continue;
        }
        long offset = is64 ? b.getLong(entry + 8) : Integer.toUnsignedLong(b.getInt(entry + 4));
        long size = is64 ? b.getLong(entry + 32) : Integer.toUnsignedLong(b.getInt(entry + 16));
        if (offset <= 0 || size <= 1 || size > MAX_INTERPRETER || offset + size > b.limit()) {
          return null;
        }
        byte[] text = new byte[(int) size];
        b.get((int) offset, text);
        int end = 0;
        while (end < text.length && text[end] != 0) {
          end++;
        }
        String path = new String(text, 0, end, StandardCharsets.ISO_8859_1);
        return path.isEmpty() ? null : path;
      }
      return null;
    } catch (IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The buffer in the ELF file's byte order, or null when it is no ELF file we can read. */
  private static @Nullable ByteBuffer elf(ByteBuffer file) {
    ByteBuffer b = file.duplicate();
    b.position(0);
    if (b.limit() < 0x34 || !"ELF".equals(format(b))) {
      return null;
    }
    byte bits = b.get(4);
    byte order = b.get(5);
    if ((bits != 1 && bits != 2) || (order != 1 && order != 2) || (bits == 2 && b.limit() < 0x40)) {
      return null;
    }
    return b.order(order == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
  }
}
