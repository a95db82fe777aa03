package dev.qjs.internal.nativelib;

import com.sun.jna.Platform;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * Where the native libraries are loaded from, and the start-up work JNA would otherwise repeat in
 * every JVM.
 *
 * <p>JNA copies {@code libjnidispatch} and our library out of their jars into fresh temporary
 * files on every start, and on Linux runs {@code /sbin/ldconfig -p} as a child process to learn
 * the system's library folders. Together that is about a quarter of a cold start. This class:
 *
 * <ul>
 *   <li>copies each library once into a per-user cache folder named after the jar entry's CRC-32
 *       and size ({@code ~/.cache/quickjs-jsr223/native/<crc>-<size>/}, or {@code
 *       -Dquickjs.native.cache=DIR}); later starts check the file's size and CRC-32 and load it
 *       in place. A copy is written under a unique temporary name and moved into place
 *       atomically, so concurrent JVMs never see half a file. The folder is created readable by
 *       its owner only, and a cache folder that others may write to is never used. Libraries that
 *       are plain files on the class path (an exploded build) are loaded where they are.
 *   <li>gives JNA the library folders it would have asked {@code ldconfig} for, read from the
 *       files {@code ldconfig} reads ({@code /etc/ld.so.conf} and its includes) plus the
 *       standard and multi-arch folders, only while JNA initialises and only when the user has
 *       not set {@code jna.platform.library.path} themselves.
 * </ul>
 *
 * <p>Any failure here (a read-only home, an unusual class loader) falls back to JNA's own
 * extraction: this class only ever makes loading faster, never makes it fail.
 */
final class NativeLibraryFiles {
  static final String CACHE_PROPERTY = "quickjs.native.cache";
  private static final String JNA_BOOT_PATH = "jna.boot.library.path";
  private static final String JNA_PLATFORM_PATH = "jna.platform.library.path";

  private NativeLibraryFiles() {}

  /**
   * Initialises JNA's {@code Native} and {@code NativeLibrary} classes, from a cached {@code
   * libjnidispatch} and without the {@code ldconfig} child process where possible.
   */
  static void initialiseJna() {
    // JNA's own folder is JNA's prefix, which says linux-x86-64 on musl too: JNA 5.19's jar has
    // glibc builds of libjnidispatch only (NEEDED libc.so.6). They load on musl all the same:
    // musl's loader takes any libc.so.* for itself, musl exports every symbol they use but
    // __strdup, and the JVM loads them lazily (RTLD_LAZY), which leaves that one unbound. JNA
    // calls it only for callbacks given a CallbackThreadInitializer, and this library gives none.
    // A -Djna.boot.library.path the user sets (Alpine's java-jna-native: /usr/lib) wins.
    ClassLoader loader = NativeLibraryFiles.class.getClassLoader();
    String dispatchName = System.mapLibraryName("jnidispatch").replace(".dylib", ".jnilib");
    File dispatch =
        cachedFile(loader, "com/sun/jna/" + Platform.RESOURCE_PREFIX + "/" + dispatchName);
    String platformPath =
        Platform.isLinux() && !Platform.isAndroid()
            ? linuxLibraryPath(Paths.get("/etc/ld.so.conf"))
            : null;
    boolean setBoot = setIfUnset(JNA_BOOT_PATH, dispatch == null ? null : dispatch.getParent());
    boolean setPlatform = setIfUnset(JNA_PLATFORM_PATH, platformPath);
    try {
      // initialises Native (loading jnidispatch), then NativeLibrary (reading the path)
      Class.forName("com.sun.jna.NativeLibrary", true, loader);
    } catch (ClassNotFoundException e) {
      throw new NoClassDefFoundError(e.getMessage());
    } finally {
      if (setBoot) {
        System.clearProperty(JNA_BOOT_PATH);
      }
      if (setPlatform) {
        System.clearProperty(JNA_PLATFORM_PATH);
      }
    }
  }

  /**
   * The file to load for the class path resource {@code resource}: the resource itself when it is
   * a plain file, else a verified copy in the cache; null when neither works (JNA then extracts
   * it the usual way).
   */
  static @Nullable File cachedFile(ClassLoader loader, String resource) {
    URL url = loader.getResource(resource);
    return url == null ? null : cachedFile(url, resource);
  }

  /** As {@link #cachedFile(ClassLoader, String)}, for the resource already found at {@code url}. */
  static @Nullable File cachedFile(URL url, String resource) {
    try {
      if ("file".equals(url.getProtocol())) {
        return new File(url.toURI());
      }
      URLConnection connection = url.openConnection();
      if (!(connection instanceof JarURLConnection jar)) {
        return null;
      }
      jar.setUseCaches(false);
      JarEntry entry = jar.getJarEntry();
      try {
        return cachedCopy(jar, entry, resource.substring(resource.lastIndexOf('/') + 1));
      } finally {
        jar.getJarFile().close();
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static @Nullable File cachedCopy(JarURLConnection jar, JarEntry entry, String name)
      throws IOException {
    long crc = entry.getCrc();
    long size = entry.getSize();
    Path root = cacheFolder();
    if (crc < 0 || size < 0 || root == null) {
      return null;
    }
    Path dir = root.resolve(Long.toHexString(crc) + "-" + size);
    Path file = dir.resolve(name);
    if (Files.isRegularFile(file) && Files.size(file) == size && crcOf(file) == crc) {
      return privateFolder(dir) ? file.toFile() : null;
    }
    createPrivateFolders(dir);
    if (!privateFolder(dir)) {
      return null;
    }
    Path partial =
        dir.resolve(name + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".part");
    try {
      CRC32 written = new CRC32();
      try (InputStream in = jar.getInputStream();
          OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW)) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
          written.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      }
      if (written.getValue() != crc || Files.size(partial) != size) {
        return null;
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return file.toFile();
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** The cache folder: the property, else the platform's per-user cache; null when unknown. */
  static @Nullable Path cacheFolder() {
    String configured = System.getProperty(CACHE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured);
    }
    String home = System.getProperty("user.home");
    Path base;
    if (Platform.isWindows()) {
      String local = System.getenv("LOCALAPPDATA");
      base = local != null ? Paths.get(local) : home != null ? Paths.get(home, "AppData", "Local") : null;
    } else if (Platform.isMac()) {
      base = home != null ? Paths.get(home, "Library", "Caches") : null;
    } else {
      String xdg = System.getenv("XDG_CACHE_HOME");
      base = xdg != null && xdg.startsWith("/") ? Paths.get(xdg) : home != null ? Paths.get(home, ".cache") : null;
    }
    return base == null ? null : base.resolve("quickjs-jsr223").resolve("native");
  }

  private static void createPrivateFolders(Path dir) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
      Path parent = dir.getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(ownerOnly));
      }
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(ownerOnly));
      }
    } else {
      Files.createDirectories(dir);
    }
  }

  /** On POSIX systems: true when neither the group nor others may write into the folder. */
  private static boolean privateFolder(Path dir) throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return true;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
    return !permissions.contains(PosixFilePermission.GROUP_WRITE)
        && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
  }

  private static long crcOf(Path file) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(Files.readAllBytes(file));
    return crc.getValue();
  }

  /**
   * The folders JNA would search after the dynamic linker's own lookup: the standard and
   * multi-arch folders, then those listed in {@code /etc/ld.so.conf} (what {@code ldconfig -p}
   * reports, without starting it).
   */
  static String linuxLibraryPath(Path ldSoConf) {
    Set<String> dirs = new LinkedHashSet<>();
    String multiArch = switch (Platform.ARCH) {
      case "x86-64" -> "x86_64-linux-gnu";
      case "aarch64" -> "aarch64-linux-gnu";
      case "x86" -> "i386-linux-gnu";
      case "arm" -> "arm-linux-gnueabihf";
      case "armel" -> "arm-linux-gnueabi";
      case "ppc64le" -> "powerpc64le-linux-gnu";
      case "s390x" -> "s390x-linux-gnu";
      case "riscv64" -> "riscv64-linux-gnu";
      default -> null;
    };
    if (multiArch != null) {
      dirs.add("/usr/lib/" + multiArch);
      dirs.add("/lib/" + multiArch);
    }
    if (Platform.is64Bit()) {
      dirs.add("/usr/lib64");
      dirs.add("/lib64");
    }
    dirs.add("/usr/lib");
    dirs.add("/lib");
    readLdSoConf(ldSoConf, dirs, 0);
    List<String> existing = new ArrayList<>();
    for (String dir : dirs) {
      if (new File(dir).isDirectory()) {
        existing.add(dir);
      }
    }
    return String.join(File.pathSeparator, existing);
  }

  private static void readLdSoConf(Path conf, Set<String> dirs, int depth) {
    if (depth > 8) {
      return;
    }
    List<String> lines;
    try {
      if (!Files.isRegularFile(conf)) {
        return;
      }
      lines = Files.readAllLines(conf);
    } catch (IOException | RuntimeException e) {
      return;
    }
    for (String raw : lines) {
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
      if (line.startsWith("include") && line.length() > 7 && Character.isWhitespace(line.charAt(7))) {
        String pattern = line.substring(8).trim();
        Path glob = conf.resolveSibling(pattern);
        Path folder = glob.getParent();
        Path name = glob.getFileName();
        if (folder == null || name == null) {
          continue;
        }
        List<Path> included = new ArrayList<>();
        try (DirectoryStream<Path> matches =
            Files.newDirectoryStream(folder, name.toString())) {
          for (Path match : matches) {
            included.add(match);
          }
        } catch (IOException | RuntimeException e) {
          continue;
        }
        included.sort(null);
        for (Path file : included) {
          readLdSoConf(file, dirs, depth + 1);
        }
      } else if (line.startsWith("/")) {
        int end = 0;
        while (end < line.length() && !Character.isWhitespace(line.charAt(end)) && line.charAt(end) != '=') {
          end++;
        }
        dirs.add(line.substring(0, end));
      }
    }
  }

  /** Sets a system property that is not set yet to a non-empty value; true when it did. */
  private static boolean setIfUnset(String key, @Nullable String value) {
    if (value == null || value.isEmpty() || System.getProperty(key) != null) {
      return false;
    }
    System.setProperty(key, value);
    return true;
  }
}
