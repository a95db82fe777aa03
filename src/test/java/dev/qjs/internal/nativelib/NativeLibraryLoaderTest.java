package dev.qjs.internal.nativelib;

import dev.qjs.internal.bridge.QuickJsNative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import dev.qjs.internal.nativelib.NativePlatform.Libc;
import dev.qjs.internal.nativelib.NativePlatform.LibcEvidence;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the loader looks for, and what it says when nothing fits or a library fails to load. */
class NativeLibraryLoaderTest {
  @TempDir Path tmp;

  private static NativePlatform muslX86_64() {
    return NativePlatform.of(
        "Linux", "amd64", null, () -> new LibcEvidence(Libc.MUSL, "/lib/ld-musl-x86_64.so.1 is mapped into this JVM"));
  }

  private static NativePlatform glibc(String arch) {
    return NativePlatform.of(
        "Linux", arch, null, () -> new LibcEvidence(Libc.GLIBC, "/usr/lib/x86_64-linux-gnu/libc.so.6 is mapped into this JVM"));
  }

  private static byte[] jnaResource(String name) throws IOException {
    try (InputStream in = NativeLibraryLoaderTest.class.getClassLoader().getResourceAsStream(name)) {
      assertTrue(in != null, name);
      return in.readAllBytes();
    }
  }

  /** A class path folder holding {@code content} at each of {@code resources}. */
  private URLClassLoader folderWith(byte[] content, String... resources) throws IOException {
    Path root = Files.createDirectories(tmp.resolve("classes-" + System.nanoTime()));
    for (String resource : resources) {
      Path file = root.resolve(resource);
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    }
    return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
  }

  @Test
  void aClassPathWithoutLibrariesListsNone() throws IOException {
    try (URLClassLoader empty = folderWith(new byte[0])) {
      assertEquals(List.of(), NativeLibraryLoader.foldersPresent(empty));
    }
  }

  @Test
  void theFoldersPresentAreThoseHoldingOurLibrary() throws IOException {
    try (URLClassLoader loader =
        folderWith(
            new byte[] {1},
            "linux-x86-64/libquickjs-jsr223.so",
            "darwin-aarch64/libquickjs-jsr223.dylib",
            "win32-x86-64/quickjs-jsr223.dll",
            "linux-aarch64-musl/libsomethingelse.so",
            "win32-aarch64/libquickjs-jsr223.so")) {
      assertEquals(
          List.of("linux-x86-64", "darwin-aarch64", "win32-x86-64"),
          NativeLibraryLoader.foldersPresent(loader));
    }
  }

  @Test
  void noLibraryFitsNamesThePlatformTheSearchAndTheWayOut() throws IOException {
    try (URLClassLoader empty = folderWith(new byte[0])) {
      String message =
          NativeLibraryLoader.noLibraryMessage(muslX86_64(), NativeLibraryLoader.foldersPresent(empty));
      System.out.println(message);
      for (String expected :
          new String[] {
            "os.name=Linux",
            "os.arch=amd64",
            "C library musl (/lib/ld-musl-x86_64.so.1 is mapped into this JVM)",
            "linux-x86-64-musl/libquickjs-jsr223.so",
            "none of its native libraries",
            "-Dquickjs.library.path=/path/to/libquickjs-jsr223.so"
          }) {
        assertTrue(message.contains(expected), "missing '" + expected + "' in: " + message);
      }
      assertFalse(message.contains("gcompat"), "gcompat suggested without a glibc library to use: " + message);
    }
  }

  @Test
  void onMuslTheGlibcLibraryIsOfferedOnlyAsAnExplicitChoice() throws IOException {
    try (URLClassLoader loader = folderWith(new byte[] {1}, "linux-x86-64/libquickjs-jsr223.so")) {
      String message =
          NativeLibraryLoader.noLibraryMessage(muslX86_64(), NativeLibraryLoader.foldersPresent(loader));
      System.out.println(message);
      assertTrue(message.contains("holds libraries for linux-x86-64."), message);
      assertTrue(message.contains("start Java with -Dquickjs.platform=linux-x86-64."), message);
      assertTrue(message.contains("gcompat"), message);
      assertTrue(message.contains("linux-x86-64-musl/libquickjs-jsr223.so"), message);
    }
  }

  @Test
  void onGlibcTheOtherFoldersAreListedWithThePlatformProperty() throws IOException {
    try (URLClassLoader loader =
        folderWith(new byte[] {1}, "darwin-aarch64/libquickjs-jsr223.dylib", "win32-x86-64/quickjs-jsr223.dll")) {
      String message =
          NativeLibraryLoader.noLibraryMessage(glibc("riscv64"), NativeLibraryLoader.foldersPresent(loader));
      assertTrue(message.contains("linux-riscv64/libquickjs-jsr223.so"), message);
      assertTrue(message.contains("holds libraries for darwin-aarch64, win32-x86-64."), message);
      assertTrue(message.contains("-Dquickjs.platform=<folder>"), message);
      assertFalse(message.contains("gcompat"), message);
    }
  }

  @Test
  void aLibraryForAnotherProcessorFailsNamingBothProcessorsAndTheLoadersWords() throws IOException {
    assumeTrue(Platform.isLinux() && "x86-64".equals(Platform.ARCH), "needs a Linux x86-64 JVM");
    Path file = tmp.resolve("libquickjs-jsr223.so");
    Files.write(file, jnaResource("com/sun/jna/linux-aarch64/libjnidispatch.so"));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> NativeLibraryLoader.open(glibc("amd64"), file.toString(), getClass().getClassLoader()));
    String message = e.getMessage();
    System.out.println(message);
    assertTrue(message.startsWith("quickjs-jsr223 could not load its native library " + file + " (named by -Dquickjs.library.path)"), message);
    assertTrue(message.contains("cannot open shared object file"), "the loader's own words are missing: " + message);
    assertTrue(message.contains("built for aarch64 processors, and this JVM runs on x86-64"), message);
    assertFalse(message.contains("not found in resource path"), "JNA's class path listing leaked: " + message);
    assertInstanceOf(UnsatisfiedLinkError.class, e.getCause());
  }

  @Test
  void aLibraryPathThatIsNoFileSaysSo() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> NativeLibraryLoader.open(glibc("amd64"), tmp.toString(), getClass().getClassLoader()));
    assertTrue(e.getMessage().contains("-Dquickjs.library.path=" + tmp + " does not name a file (it is a folder)"), e.getMessage());
  }

  @Test
  void whenTheCacheIsUnusableTheMessageSaysJnaExtractedTheCopyAndWhere() throws IOException {
    assumeTrue(Platform.isLinux(), "Linux only");
    Path jar = tmp.resolve("natives.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("linux-x86-64/libquickjs-jsr223.so"));
      out.write("not a library at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.closeEntry();
    }
    Path blocker = Files.write(tmp.resolve("not-a-folder"), new byte[] {1});
    Path jnaTemp = Files.createDirectories(tmp.resolve("jna-temp"));
    String cacheBefore = System.getProperty(NativeLibraryFiles.CACHE_PROPERTY);
    String tmpdirBefore = System.getProperty("jna.tmpdir");
    System.setProperty(NativeLibraryFiles.CACHE_PROPERTY, blocker.resolve("cache").toString());
    System.setProperty("jna.tmpdir", jnaTemp.toString());
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> NativeLibraryLoader.open(glibc("amd64"), null, loader));
      String message = e.getMessage();
      System.out.println(message);
      assertTrue(message.contains("could not load its native library " + jnaTemp), message);
      assertTrue(message.contains("extracted by JNA into its temporary folder because quickjs-jsr223's cache folder "
          + blocker.resolve("cache") + " could not be used"), message);
      assertTrue(message.contains("invalid ELF header") || message.contains("file too short"), message);
      assertTrue(message.contains("the file is no library at all"), message);
      assertFalse(message.contains("-Dquickjs.platform"), "the failed folder was offered as another: " + message);
    } finally {
      restore(NativeLibraryFiles.CACHE_PROPERTY, cacheBefore);
      restore("jna.tmpdir", tmpdirBefore);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void likelyCausesFollowTheLoadersWordsOnGlibcAndMusl() {
    NativePlatform glibc = glibc("amd64");
    NativePlatform musl = muslX86_64();
    // glibc's and musl's words for a noexec mount
    assertTrue(cause(glibc, "/tmp/x/libquickjs-jsr223.so: failed to map segment from shared object").contains("-Dquickjs.native.cache=DIR"));
    assertTrue(cause(musl, "Error loading shared library /tmp/x/libquickjs-jsr223.so: Operation not permitted").contains("noexec"));
    // a glibc build on musl (as musl's loader reports it)
    String glibcOnMusl = cause(musl, "Error loading shared library ld-linux-x86-64.so.2: No such file or directory (needed by /x/libquickjs-jsr223.so)");
    assertTrue(glibcOnMusl.contains("built for glibc, and this JVM runs on musl"), glibcOnMusl);
    assertTrue(glibcOnMusl.contains("the class path's linux-x86-64-musl folder holds a glibc build by mistake"), glibcOnMusl);
    String chosenGlibc = cause(
        NativePlatform.of("Linux", "amd64", "linux-x86-64", () -> { throw new AssertionError(); }),
        "Error relocating /x/libquickjs-jsr223.so: __memcpy_chk: symbol not found");
    assertTrue(chosenGlibc.contains("-Dquickjs.platform=linux-x86-64-musl"), chosenGlibc);
    // a musl build on glibc: glibc finds the linker script libc.so, or no libc.musl-*
    assertTrue(cause(glibc, "/x/libquickjs-jsr223.so: /lib/x86_64-linux-gnu/libc.so: invalid ELF header").contains("built for musl, and this JVM runs on glibc"));
    assertTrue(cause(glibc, "libc.musl-x86_64.so.1: cannot open shared object file: No such file or directory").contains("built for musl"));
    assertTrue(cause(glibc, "/lib/x86_64-linux-gnu/libm.so.6: version `GLIBC_2.38' not found (required by /x/libquickjs-jsr223.so)").contains("newer glibc"));
    assertTrue(cause(glibc, "/x/libquickjs-jsr223.so: wrong ELF class: ELFCLASS32").contains("word size"));
    assertTrue(cause(glibc, "Error looking up function 'qjs_eval': /x/libquickjs-jsr223.so: undefined symbol: qjs_eval").contains("another version of quickjs-jsr223"));
    assertTrue(cause(glibc, "libgcc_s.so.1: cannot open shared object file: No such file or directory").contains("depends on"));
    assertNull(NativeLibraryLoader.likelyCause(glibc, "something new", null));
  }

  private static String cause(NativePlatform platform, String error) {
    String cause = NativeLibraryLoader.likelyCause(platform, error, null);
    assertTrue(cause != null, "no cause for: " + error);
    return cause;
  }

  @Test
  void theFilesOwnHeaderBeatsTheLoadersWords() throws IOException {
    NativePlatform glibc = glibc("amd64");
    ByteBuffer windows = ByteBuffer.wrap(jnaResource("com/sun/jna/win32-x86-64/jnidispatch.dll"));
    assertEquals(
        "the file is a Windows library (PE), not a library for this operating system (ELF files are).",
        NativeLibraryLoader.likelyCause(glibc, "invalid ELF header", windows));
    ByteBuffer x86 = ByteBuffer.wrap(jnaResource("com/sun/jna/linux-x86/libjnidispatch.so"));
    assertEquals(
        "the file is built for x86 processors, and this JVM runs on x86-64.",
        NativeLibraryLoader.likelyCause(glibc, "wrong ELF class: ELFCLASS32", x86));
  }

  @Test
  void jnasRepeatedLinesAndClassPathListingAreLeftOut() {
    UnsatisfiedLinkError error =
        new UnsatisfiedLinkError(
            "Unable to load library '/x/lib.so':\n/x/lib.so: invalid ELF header\n/x/lib.so: invalid ELF header\n"
                + "Native library (x/lib.so) not found in resource path (/a.jar:/b.jar)");
    assertEquals("/x/lib.so: invalid ELF header", NativeLibraryLoader.errorText(error));
    assertEquals("java.lang.UnsatisfiedLinkError", NativeLibraryLoader.errorText(new UnsatisfiedLinkError()));
  }

  @Test
  void anEngineOnAPlatformTheJarLacksFailsNamingTheWayOut() throws Exception {
    String message = probe("-Dquickjs.platform=linux-riscv64");
    System.out.println(message);
    assertTrue(message.startsWith("quickjs-jsr223 has no native library for this platform ("), message);
    assertTrue(message.contains("folder linux-riscv64 chosen by -Dquickjs.platform"), message);
    assertTrue(message.contains("linux-riscv64/libquickjs-jsr223.so"), message);
    assertTrue(message.contains("-Dquickjs.library.path=/path/to/libquickjs-jsr223.so"), message);
    int list = message.indexOf("holds libraries for ");
    assertTrue(list >= 0, message);
    String folders = message.substring(list, message.indexOf('.', list));
    assertTrue(Arrays.asList(folders.substring("holds libraries for ".length()).split(", ")).contains(Platform.RESOURCE_PREFIX), message);
  }

  @Test
  void muslWithoutItsFolderDoesNotFallBackToTheGlibcLibrary() throws Exception {
    assumeTrue(Platform.isLinux() && !Platform.RESOURCE_PREFIX.endsWith("-musl"), "Linux only");
    // the class path holds the glibc library for this processor; JNA's own lookup by name would
    // extract and load it
    String musl = Platform.RESOURCE_PREFIX + "-musl";
    // a jar with every platform's library (-Pall-platforms, the release) has the musl folder
    assumeTrue(
        NativeLibraryLoaderTest.class.getClassLoader().getResource(musl + "/libquickjs-jsr223.so") == null,
        "the class path holds " + musl + "/");
    String message = probe("-Dquickjs.platform=" + musl);
    System.out.println(message);
    assertTrue(message.contains("it looked for the class path resource " + musl + "/libquickjs-jsr223.so"), message);
    assertTrue(message.contains("The glibc library in " + Platform.RESOURCE_PREFIX + " is not used on musl"), message);
    assertTrue(message.contains("(gcompat, say), start Java with -Dquickjs.platform=" + Platform.RESOURCE_PREFIX + "."), message);
  }

  @Test
  void aPlatformPropertyThatIsNoFolderNameStopsTheEngine() throws Exception {
    String message = probe("-Dquickjs.platform=../linux-x86-64");
    assertTrue(message.contains("-Dquickjs.platform=../linux-x86-64 is not a folder name"), message);
  }

  /** Runs {@link LoadProbe} in a fresh JVM with {@code property}; its ensureLoaded message. */
  private static String probe(String property) throws Exception {
    List<String> command = new ArrayList<>();
    // quickjs.tests.java: the launcher of an emulated JVM (native-libs/test-emulated.sh)
    command.add(
        System.getProperty(
            "quickjs.tests.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.add(property);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LoadProbe.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM hung");
    assertEquals(3, process.exitValue(), "the library loaded, or the probe failed: " + output);
    return output;
  }

  /** Prints the message of {@link QuickJsNative#ensureLoaded()}, exiting 3 when it threw. */
  static final class LoadProbe {
    public static void main(String[] args) {
      try {
        QuickJsNative.ensureLoaded();
        System.out.print("loaded");
      } catch (IllegalStateException e) {
        System.out.print(e.getMessage());
        System.exit(3);
      }
    }
  }

  @Test
  void theLibraryForThisMachineLoads() {
    QuickJsNative.ensureLoaded();
  }
}
