package dev.qjs.internal.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up cache of native libraries and the library folders handed to JNA. */
class NativeLibraryFilesTest {
  private static final String RESOURCE = "linux-test/libexample.so";

  @TempDir Path tmp;
  private Path cache;
  private String before;
  private byte[] library;

  @BeforeEach
  void pointTheCacheIntoATemporaryFolder() {
    before = System.getProperty(NativeLibraryFiles.CACHE_PROPERTY);
    cache = tmp.resolve("cache");
    System.setProperty(NativeLibraryFiles.CACHE_PROPERTY, cache.toString());
    library = new byte[300_000];
    new Random(7).nextBytes(library);
  }

  @AfterEach
  void restoreTheProperty() {
    if (before == null) {
      System.clearProperty(NativeLibraryFiles.CACHE_PROPERTY);
    } else {
      System.setProperty(NativeLibraryFiles.CACHE_PROPERTY, before);
    }
  }

  private URLClassLoader jarWith(byte[] content) throws IOException {
    Path jar = tmp.resolve("lib-" + System.nanoTime() + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(RESOURCE));
      out.write(content);
      out.closeEntry();
    }
    return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
  }

  @Test
  void aLibraryInAJarIsCopiedOnceAndThenLoadedFromTheCache() throws Exception {
    try (URLClassLoader loader = jarWith(library)) {
      File first = NativeLibraryFiles.cachedFile(loader, RESOURCE);
      assertNotNull(first, "no cached copy");
      assertTrue(first.toPath().startsWith(cache), first + " is not in the cache folder");
      assertArrayEquals(library, Files.readAllBytes(first.toPath()));
      FileTime written = FileTime.fromMillis(0);
      Files.setLastModifiedTime(first.toPath(), written);

      File second = NativeLibraryFiles.cachedFile(loader, RESOURCE);
      assertEquals(first, second);
      assertEquals(written, Files.getLastModifiedTime(second.toPath()), "the valid copy was rewritten");
      try (var files = Files.list(first.toPath().getParent())) {
        assertEquals(List.of(first.toPath()), files.toList(), "temporary files were left behind");
      }
    }
  }

  @Test
  void aDamagedCopyOfTheSameSizeIsReplaced() throws Exception {
    try (URLClassLoader loader = jarWith(library)) {
      File copy = NativeLibraryFiles.cachedFile(loader, RESOURCE);
      assertNotNull(copy);
      byte[] damaged = library.clone();
      damaged[damaged.length / 2] ^= 1;
      Files.write(copy.toPath(), damaged);

      File again = NativeLibraryFiles.cachedFile(loader, RESOURCE);
      assertNotNull(again);
      assertArrayEquals(library, Files.readAllBytes(again.toPath()), "the damaged copy was loaded");
    }
  }

  @Test
  void aTruncatedCopyIsReplaced() throws Exception {
    try (URLClassLoader loader = jarWith(library)) {
      File copy = NativeLibraryFiles.cachedFile(loader, RESOURCE);
      assertNotNull(copy);
      Files.write(copy.toPath(), new byte[10]);
      assertArrayEquals(library, Files.readAllBytes(NativeLibraryFiles.cachedFile(loader, RESOURCE).toPath()));
    }
  }

  @Test
  void differentContentGetsItsOwnFolder() throws Exception {
    byte[] other = library.clone();
    other[0] ^= 1;
    try (URLClassLoader a = jarWith(library); URLClassLoader b = jarWith(other)) {
      File first = NativeLibraryFiles.cachedFile(a, RESOURCE);
      File second = NativeLibraryFiles.cachedFile(b, RESOURCE);
      assertNotNull(first);
      assertNotNull(second);
      assertTrue(!first.equals(second), "two different libraries share one cached file");
      assertArrayEquals(library, Files.readAllBytes(first.toPath()));
      assertArrayEquals(other, Files.readAllBytes(second.toPath()));
    }
  }

  @Test
  void concurrentFirstUsesAllGetTheWholeFile() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (URLClassLoader loader = jarWith(library)) {
      List<Future<File>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> NativeLibraryFiles.cachedFile(loader, RESOURCE)));
      }
      for (Future<File> result : results) {
        File file = result.get();
        assertNotNull(file);
        assertArrayEquals(library, Files.readAllBytes(file.toPath()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCacheFolderOthersMayWriteIntoIsNotUsed() throws Exception {
    try (URLClassLoader loader = jarWith(library)) {
      File copy = NativeLibraryFiles.cachedFile(loader, RESOURCE);
      assertNotNull(copy);
      Files.setPosixFilePermissions(copy.toPath().getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
      assertNull(NativeLibraryFiles.cachedFile(loader, RESOURCE), "a world-writable cache folder was trusted");
    }
  }

  @Test
  void newCacheFoldersAreTheOwnersOnly() throws Exception {
    try (URLClassLoader loader = jarWith(library)) {
      File copy = NativeLibraryFiles.cachedFile(loader, RESOURCE);
      assertNotNull(copy);
      assertEquals("rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.toPath().getParent())));
    }
  }

  @Test
  void anUnwritableCacheFallsBackToNothingRatherThanFailing() throws Exception {
    Path blocker = tmp.resolve("not-a-folder");
    Files.write(blocker, new byte[] {1});
    System.setProperty(NativeLibraryFiles.CACHE_PROPERTY, blocker.resolve("cache").toString());
    try (URLClassLoader loader = jarWith(library)) {
      assertNull(NativeLibraryFiles.cachedFile(loader, RESOURCE));
    }
  }

  @Test
  void aLibraryThatIsAPlainFileIsLoadedWhereItIs() throws Exception {
    Path root = tmp.resolve("classes");
    Path file = root.resolve(RESOURCE);
    Files.createDirectories(file.getParent());
    Files.write(file, library);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
      assertEquals(file.toFile(), NativeLibraryFiles.cachedFile(loader, RESOURCE));
    }
    assertTrue(Files.notExists(cache), "a plain file was copied into the cache");
  }

  @Test
  void aMissingResourceGivesNothing() throws Exception {
    try (URLClassLoader loader = jarWith(library)) {
      assertNull(NativeLibraryFiles.cachedFile(loader, "linux-test/libmissing.so"));
    }
  }

  @Test
  void theLibraryPathListsTheFoldersOfLdSoConfAndItsIncludesThatExist() throws Exception {
    Path etc = tmp.resolve("etc");
    Path confD = etc.resolve("ld.so.conf.d");
    Files.createDirectories(confD);
    Path a = Files.createDirectories(tmp.resolve("opt/a/lib"));
    Path b = Files.createDirectories(tmp.resolve("opt/b/lib"));
    Path c = Files.createDirectories(tmp.resolve("opt/c/lib"));
    Path conf = etc.resolve("ld.so.conf");
    Files.writeString(conf, "# comment\ninclude ld.so.conf.d/*.conf\n" + c + "=libc6  # with a type\n"
        + tmp.resolve("does/not/exist") + "\ninclude ld.so.conf\n");
    Files.writeString(confD.resolve("20-b.conf"), b + "\n");
    Files.writeString(confD.resolve("10-a.conf"), "  " + a + "\t\n");
    Files.writeString(confD.resolve("ignored.txt"), tmp.resolve("opt/ignored") + "\n");

    List<String> dirs = List.of(NativeLibraryFiles.linuxLibraryPath(conf).split(File.pathSeparator));
    int ia = dirs.indexOf(a.toString());
    int ib = dirs.indexOf(b.toString());
    int ic = dirs.indexOf(c.toString());
    assertTrue(ia >= 0 && ib > ia && ic > ib, "expected a, b, c in include order: " + dirs);
    assertTrue(!dirs.contains(tmp.resolve("does/not/exist").toString()), "a missing folder was listed");
    assertTrue(dirs.stream().noneMatch(d -> d.contains("ignored")), "a file the glob excludes was read");
    assertTrue(dirs.contains("/usr/lib"), "the standard folders are missing: " + dirs);
  }

  @Test
  void aMissingLdSoConfStillGivesTheStandardFolders() {
    String path = NativeLibraryFiles.linuxLibraryPath(tmp.resolve("nothing-here"));
    assertTrue(List.of(path.split(File.pathSeparator)).contains("/usr/lib"), path);
  }

  @Test
  void aClosedClassLoaderGivesNothingAndLeavesNoFiles() throws Exception {
    URLClassLoader loader = jarWith(library);
    loader.close();
    assertNull(NativeLibraryFiles.cachedFile(loader, RESOURCE));
    assertTrue(Files.notExists(cache) || isEmptyTree(cache), "files were left in the cache");
  }

  private static boolean isEmptyTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.allMatch(Files::isDirectory);
    }
  }
}
