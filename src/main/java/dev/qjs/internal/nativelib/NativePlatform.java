package dev.qjs.internal.nativelib;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one place that names native platforms: which folder of the jar holds the library for this
 * JVM, detected from {@code os.name}, {@code os.arch} and, on Linux, the C library the JVM itself
 * runs on.
 *
 * <p>Folders are JNA's resource prefixes ({@code linux-x86-64}, {@code darwin-aarch64}, {@code
 * win32-x86-64} …, mapped from {@code os.name} and {@code os.arch} the way JNA's {@code Platform}
 * does), plus our own {@code linux-<arch>-musl}: JNA has no musl prefix and says {@code
 * linux-x86-64} on Alpine too.
 *
 * <p>glibc or musl is decided by the C library this process has mapped ({@code /proc/self/maps}),
 * then by the dynamic loader that {@code /proc/self/exe} or {@code java.home/bin/java} asks for,
 * else glibc. It is never decided by which loaders exist on disk: Debian's {@code musl} package
 * installs {@code /lib/ld-musl-x86_64.so.1} next to glibc, and a glibc JVM on Alpine (with a glibc
 * compatibility package) must get the glibc library.
 *
 * <p>{@code -Dquickjs.platform=<folder>} (for example {@code linux-x86-64-musl}) names the folder
 * instead, for a machine the detection gets wrong; nothing is detected then.
 */
final class NativePlatform {
  static final String PLATFORM_PROPERTY = "quickjs.platform";
  static final String LIBRARY = "quickjs-jsr223";

  /**
   * Every folder a complete jar holds, in the order an error message lists them: the platforms
   * of native-libs/platforms.txt, which the build scripts read (PlatformTableTest compares them).
   */
  static final List<String> KNOWN_FOLDERS =
      List.of(
          "linux-x86-64",
          "linux-aarch64",
          "linux-x86-64-musl",
          "linux-aarch64-musl",
          "darwin-x86-64",
          "darwin-aarch64",
          "win32-x86-64",
          "win32-aarch64");

  // Detection runs in every cold start: no regular expressions and no lambdas on its path (each
  // costs milliseconds of class loading and bootstrapping in a fresh JVM: 28 ms in all, measured)

  /** The C library of a Linux process. */
  enum Libc {
    GLIBC("glibc"),
    MUSL("musl");

    private final String label;

    Libc(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** A C library and the observation it was concluded from, for error messages. */
  record LibcEvidence(Libc libc, String reason) {}

  private final String osName;
  private final String osArch;
  private final String arch;
  private final @Nullable LibcEvidence libc;
  private final String folder;
  private final boolean overridden;

  private NativePlatform(
      String osName, String osArch, @Nullable LibcEvidence libc, String folder, boolean overridden) {
    this.osName = osName;
    this.osArch = osArch;
    this.arch = canonicalArch(osArch);
    this.libc = libc;
    this.folder = folder;
    this.overridden = overridden;
  }

  /**
   * This JVM's platform, detected anew at each call (the library is loaded once).
   *
   * @throws IllegalArgumentException when {@code -Dquickjs.platform} is no folder name
   */
  static NativePlatform current() {
    // Android says os.name=Linux; its libc (bionic) is neither glibc nor musl, and JNA's prefix
    // for it is android-<arch>
    boolean android =
        System.getProperty("java.vm.name", "").toLowerCase(Locale.ROOT).contains("dalvik");
    return of(
        android ? "Android" : System.getProperty("os.name", ""),
        System.getProperty("os.arch", ""),
        System.getProperty(PLATFORM_PROPERTY),
        new ProcessLibc());
  }

  /** Detects this process's C library when asked (a class, not a lambda: see above). */
  private static final class ProcessLibc implements Supplier<LibcEvidence> {
    @Override
    public LibcEvidence get() {
      return detectLibc();
    }
  }

  /** A name made of letters, digits, '.', '_' and '-', starting with a letter or digit. */
  private static boolean isFolderName(String name) {
    if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ascii = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!ascii && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** True when {@code s} is one or more decimal digits, each group separated by one '.'. */
  private static boolean isVersion(String s) {
    if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.' || s.contains("..")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && c != '.') {
        return false;
      }
    }
    return true;
  }

  /**
   * The platform of a JVM with these properties: {@code override} (the value of {@code
   * -Dquickjs.platform}) when set, else the folder for the OS, architecture and, on Linux, the C
   * library {@code detector} reports.
   *
   * @throws IllegalArgumentException when {@code override} is no folder name
   */
  static NativePlatform of(
      String osName, String osArch, @Nullable String override, Supplier<LibcEvidence> detector) {
    if (override != null && !override.isBlank()) {
      String name = override.trim();
      if (!isFolderName(name)) {
        throw new IllegalArgumentException(
            "-D" + PLATFORM_PROPERTY + "=" + override + " is not a folder name (letters, digits,"
                + " '.', '_' and '-', such as linux-x86-64-musl)");
      }
      return new NativePlatform(osName, osArch, null, name, true);
    }
    String prefix = jnaPrefix(osName, osArch);
    if (!isLinux(osName)) {
      return new NativePlatform(osName, osArch, null, prefix, false);
    }
    LibcEvidence libc = detector.get();
    return new NativePlatform(
        osName, osArch, libc, libc.libc() == Libc.MUSL ? prefix + "-musl" : prefix, false);
  }

  /** The folder to load the library from. */
  String folder() {
    return folder;
  }

  /** True when {@code -Dquickjs.platform} chose the folder. */
  boolean overridden() {
    return overridden;
  }

  /** The C library detected on Linux; null elsewhere, and when the folder was overridden. */
  @Nullable Libc libc() {
    return libc == null ? null : libc.libc();
  }

  /** This JVM's processor in JNA's names ({@code x86-64}, {@code aarch64} …). */
  String arch() {
    return arch;
  }

  /** The class path resource of the library: folder and file name. */
  String resource() {
    return folder + "/" + libraryFile(folder);
  }

  /** The folder a glibc JVM on this processor would use: JNA's prefix. */
  String glibcFolder() {
    return jnaPrefix(osName, osArch);
  }

  /**
   * For messages: {@code os.name=Linux, os.arch=amd64, C library musl
   * (/lib/ld-musl-x86_64.so.1 is mapped into this JVM)}.
   */
  String description() {
    StringBuilder text = new StringBuilder();
    text.append("os.name=").append(osName).append(", os.arch=").append(osArch);
    if (libc != null) {
      text.append(", C library ").append(libc.libc()).append(" (").append(libc.reason()).append(')');
    }
    if (overridden) {
      text.append(", folder ").append(folder).append(" chosen by -D").append(PLATFORM_PROPERTY);
    }
    return text.toString();
  }

  /** The library's file name in a folder: {@code .dll} for win32, {@code .dylib} for darwin. */
  static String libraryFile(String folder) {
    if (folder.startsWith("win32-")) {
      return LIBRARY + ".dll";
    }
    if (folder.startsWith("darwin-")) {
      return "lib" + LIBRARY + ".dylib";
    }
    return "lib" + LIBRARY + ".so";
  }

  /**
   * JNA's resource prefix for these {@code os.name} and {@code os.arch} values ({@code
   * linux-x86-64}, {@code darwin-aarch64}, {@code win32-x86-64} …), as JNA's {@code Platform}
   * computes it (whose method for it is not public). Unlike JNA, {@code arm64} also means {@code
   * aarch64}; JNA's soft-float {@code armel} is not told apart from {@code arm}.
   */
  static String jnaPrefix(String osName, String osArch) {
    String name = osName.trim();
    String os;
    if (isLinux(name)) {
      os = "linux";
    } else if (name.startsWith("Mac") || name.startsWith("Darwin")) {
      os = "darwin";
    } else if (name.startsWith("Windows")) {
      os = "win32";
    } else if (name.startsWith("Solaris") || name.startsWith("SunOS")) {
      os = "sunos";
    } else if (name.startsWith("FreeBSD")) {
      os = "freebsd";
    } else if (name.startsWith("OpenBSD")) {
      os = "openbsd";
    } else if (name.equalsIgnoreCase("NetBSD")) {
      os = "netbsd";
    } else if (name.startsWith("AIX")) {
      os = "aix";
    } else {
      os = name.toLowerCase(Locale.ROOT);
      int space = os.indexOf(' ');
      if (space >= 0) {
        os = os.substring(0, space);
      }
    }
    return os + "-" + canonicalArch(osArch);
  }

  /** {@code os.arch} in JNA's architecture names. */
  static String canonicalArch(String osArch) {
    String arch = osArch.toLowerCase(Locale.ROOT).trim();
    return switch (arch) {
      case "x86_64", "amd64" -> "x86-64";
      case "aarch64", "arm64" -> "aarch64";
      case "i386", "i486", "i586", "i686", "x86" -> "x86";
      case "powerpc" -> "ppc";
      case "powerpc64" -> "ppc64";
      case "powerpc64le", "ppc64le" -> "ppc64le";
      case "zarch_64" -> "s390x";
      default -> arch;
    };
  }

  private static boolean isLinux(String osName) {
    return osName.trim().startsWith("Linux");
  }

  /** This process's C library: its memory map, else its loader, else glibc. */
  private static LibcEvidence detectLibc() {
    // plain bytes as Latin-1: a reader with a charset decoder costs 3 ms more of a cold start
    try (FileInputStream in = new FileInputStream("/proc/self/maps")) {
      LibcEvidence seen = libcOfMaps(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
      if (seen != null) {
        return seen;
      }
    } catch (IOException | RuntimeException e) {
      // no /proc (a sandbox, or a kernel without it): ask the program's loader
    }
    String javaHome = System.getProperty("java.home", "");
    for (Path program : new Path[] {Paths.get("/proc/self/exe"), Paths.get(javaHome, "bin", "java")}) {
      ByteBuffer header = ExecutableHeader.read(program);
      String interpreter = header == null ? null : ExecutableHeader.elfInterpreter(header);
      Libc libc = interpreter == null ? null : libcOfFile(interpreter);
      if (libc != null) {
        return new LibcEvidence(libc, program + " asks for the loader " + interpreter);
      }
    }
    return new LibcEvidence(Libc.GLIBC, "assumed: neither /proc/self/maps nor the java program said");
  }

  /**
   * The C library a process runs on, from the text of its {@code /proc/self/maps}: the libc or
   * dynamic loader it has mapped executable. Null when the text names neither.
   *
   * <p>When both kinds appear, musl wins: musl's loader treats any {@code libc.so.6} it is asked
   * for as itself, so a musl process never maps glibc's libc, while a compatibility layer (such as
   * gcompat's {@code ld-linux-x86-64.so.2}) can bring a glibc-named file into a musl process.
   */
  static @Nullable LibcEvidence libcOfMaps(String maps) {
    String glibc = null;
    for (int start = 0, end; start < maps.length(); start = end + 1) {
      end = maps.indexOf('\n', start);
      if (end < 0) {
        end = maps.length();
      }
      String line = maps.substring(start, end);
      // address perms offset dev inode path; the path may hold spaces
      String path = mappedPath(line);
      if (path == null) {
        continue;
      }
      if (path.endsWith(" (deleted)")) {
        path = path.substring(0, path.length() - " (deleted)".length());
      }
      Libc libc = libcOfFile(path);
      if (libc == Libc.MUSL) {
        return new LibcEvidence(Libc.MUSL, path + " is mapped into this JVM");
      }
      if (libc == Libc.GLIBC && glibc == null) {
        glibc = path;
      }
    }
    return glibc == null ? null : new LibcEvidence(Libc.GLIBC, glibc + " is mapped into this JVM");
  }

  /**
   * The C library a libc or dynamic loader file belongs to, by its name: musl's {@code
   * ld-musl-<arch>.so.1}, {@code libc.musl-<arch>.so.1} or plain {@code libc.so} (where Debian's
   * and Void's musl keep it; glibc's {@code libc.so} is a linker script no process maps), glibc's
   * {@code libc.so.6}, {@code libc-2.NN.so}, {@code ld-linux*.so.N}, {@code ld-2.NN.so} or {@code
   * ld64.so.N}. Null for any other file.
   */
  static @Nullable Libc libcOfFile(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if ((name.startsWith("ld-musl-") && name.contains(".so"))
        || (name.startsWith("libc.musl-") && name.contains(".so"))
        || name.equals("libc.so")) {
      return Libc.MUSL;
    }
    if (name.equals("libc.so.6")
        || (name.startsWith("libc-2.") && name.endsWith(".so") && name.length() > 10
            && isVersion(name.substring(5, name.length() - 3)))
        || (name.startsWith("ld-2.") && name.endsWith(".so") && name.length() > 8
            && isVersion(name.substring(3, name.length() - 3)))
        || (name.startsWith("ld64.so.") && isVersion(name.substring(8)))
        || isGlibcLoaderName(name)) {
      return Libc.GLIBC;
    }
    return null;
  }

  /** glibc's loader names: ld-linux.so.2, ld-linux-x86-64.so.2, ld-linux-aarch64.so.1 … */
  private static boolean isGlibcLoaderName(String name) {
    int so = name.lastIndexOf(".so.");
    if (!name.startsWith("ld-linux") || so < 8 || !isVersion(name.substring(so + 4))) {
      return false;
    }
    for (int i = 8; i < so; i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /**
   * The path of one {@code /proc/<pid>/maps} line when the mapping is executable, else null:
   * the sixth field onwards (a path may hold spaces).
   */
  private static @Nullable String mappedPath(String line) {
    int i = 0;
    int n = line.length();
    boolean executable = false;
    for (int field = 0; field < 5; field++) {
      while (i < n && line.charAt(i) <= ' ') {
        i++;
      }
      int start = i;
      while (i < n && line.charAt(i) > ' ') {
        i++;
      }
      if (start == i) {
        return null;
      }
      if (field == 1) {
        executable = line.indexOf('x', start) >= 0 && line.indexOf('x', start) < i;
      }
    }
    while (i < n && line.charAt(i) <= ' ') {
      i++;
    }
    if (!executable || i >= n) {
      return null;
    }
    return line.substring(i).trim();
  }

  @Override
  public String toString() {
    return folder + " (" + description() + ")";
  }
}
