package dev.qjs.internal.nativelib;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds, loads and registers our native library, and when that fails says why in one message:
 * what this JVM is, what it looked for, what the class path holds, and the way out.
 *
 * <p>Order: {@code -Dquickjs.library.path}; else the class path resource of {@link
 * NativePlatform#folder()} (loaded in place when it is a plain file, else from the per-user cache
 * of {@link NativeLibraryFiles}, else from a copy JNA extracts into its temporary folder); when
 * the class path has no library for this platform, the plain library name on the system's
 * library path (a library installed there for a platform the jar lacks).
 *
 * <p>On musl the glibc folder is never a silent fallback. A glibc build needs glibc's loader
 * ({@code ld-linux-x86-64.so.2}) and fails on plain musl with a loader error; on a glibc
 * compatibility layer (gcompat) it may load and then misbehave in ways nobody can diagnose from
 * the symptom. A user who wants that anyway says so with {@code -Dquickjs.platform=linux-x86-64};
 * everyone else gets a message naming the missing musl folder.
 */
public final class NativeLibraryLoader {
  static final String LIBRARY_PATH_PROPERTY = "quickjs.library.path";

  /**
   * The class loader JNA's name lookup gets: without it, JNA would extract {@code
   * linux-x86-64/...} from the class path even on musl, exactly the fallback we refuse.
   */
  private static final ClassLoader NO_RESOURCES = new ClassLoader(null) {};

  /** The file the last successful {@link #register} loaded, for the JNI binding. */
  private static volatile @Nullable File loaded;

  private NativeLibraryLoader() {}

  /**
   * The library file {@link #register} loaded in this class loader, so the JNI binding can load
   * the very same file (the same copy of the library, so both bindings share its state); null
   * before a registration succeeded.
   */
  public static @Nullable File loadedFile() {
    return loaded;
  }

  /** A loaded library and where it came from, for messages. */
  record Opened(NativeLibrary library, File file, String origin) {}

  /**
   * Loads the library for this JVM and registers {@code mapping}'s native methods with it.
   *
   * @return null when that worked, else the failure to report: an {@code IllegalStateException}
   *     whose message explains it, with the underlying error as its cause
   */
  public static @Nullable IllegalStateException register(Class<?> mapping) {
    return neutrally(() -> registerHere(mapping));
  }

  /**
   * Runs JNA's first work in a context that names no application: JNA starts its cleaner's
   * thread now (a library it opened stays registered with it, so the thread lives as long as the
   * process), and a thread inherits the context class loader and the access control context of
   * the code that starts it. Started from the application that happened to make the first
   * engine, the thread would keep that application's class loader, and an application server
   * could never unload it.
   */
  @SuppressWarnings("removal") // AccessController: the one way to start a thread without the caller's context
  private static <T> T neutrally(java.security.PrivilegedAction<T> action) {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(null);
    try {
      return java.security.AccessController.doPrivileged(action);
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  private static @Nullable IllegalStateException registerHere(Class<?> mapping) {
    ClassLoader loader =
        mapping.getClassLoader() != null ? mapping.getClassLoader() : ClassLoader.getSystemClassLoader();
    NativePlatform platform;
    try {
      platform = NativePlatform.current();
    } catch (IllegalArgumentException e) {
      return new IllegalStateException(
          "quickjs-jsr223 could not choose its native library: " + e.getMessage()
              + ". The class path holds libraries for " + listed(foldersPresent(loader)) + ".",
          e);
    }
    Opened opened;
    try {
      opened = open(platform, System.getProperty(LIBRARY_PATH_PROPERTY), loader);
    } catch (IllegalStateException e) {
      return e;
    }
    try {
      Native.register(mapping, opened.library());
      loaded = opened.file();
      return null;
    } catch (Throwable t) {
      String message =
          loadFailedMessage(platform, opened.file(), opened.origin(), t, foldersPresent(loader));
      return new IllegalStateException(message, t);
    }
  }

  /**
   * Opens the library for {@code platform}: the file {@code libraryPath} names when set, else
   * the class path's (through {@code loader}), else one on the system's library path.
   *
   * @throws IllegalStateException with the message {@code ensureLoaded} reports
   */
  static Opened open(NativePlatform platform, @Nullable String libraryPath, ClassLoader loader) {
    try {
      NativeLibraryFiles.initialiseJna();
    } catch (Throwable t) {
      throw new IllegalStateException(jnaFailedMessage(platform, t), t);
    }
    if (libraryPath != null && !libraryPath.isBlank()) {
      File file = new File(libraryPath.trim()).getAbsoluteFile();
      String origin = "named by -D" + LIBRARY_PATH_PROPERTY;
      if (!file.isFile()) {
        throw new IllegalStateException(
            "quickjs-jsr223 could not load its native library: -D" + LIBRARY_PATH_PROPERTY + "="
                + libraryPath + " does not name a file ("
                + (file.exists() ? "it is a folder" : "nothing is there")
                + "); name the library file itself, such as /opt/lib/"
                + System.mapLibraryName(NativePlatform.LIBRARY) + ".");
      }
      return load(platform, file, origin, null);
    }
    String resource = platform.resource();
    URL url = loader.getResource(resource);
    if (url == null) {
      try {
        NativeLibrary library =
            NativeLibrary.getInstance(
                NativePlatform.LIBRARY, Map.of(Library.OPTION_CLASSLOADER, NO_RESOURCES));
        return new Opened(library, library.getFile(), "found by name on the system's library path");
      } catch (UnsatisfiedLinkError e) {
        throw new IllegalStateException(noLibraryMessage(platform, foldersPresent(loader)), e);
      }
    }
    File file = NativeLibraryFiles.cachedFile(url, resource);
    String origin;
    if (file != null) {
      origin = "the class path resource " + resource
          + ("file".equals(url.getProtocol()) ? ", a plain file" : ", copied into quickjs-jsr223's cache");
    } else {
      Path cache = NativeLibraryFiles.cacheFolder();
      String cacheText = "quickjs-jsr223's cache folder" + (cache == null ? "" : " " + cache);
      try {
        file = Native.extractFromResourcePath("/" + resource, loader);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(
            "quickjs-jsr223 could not copy its native library " + resource + " out of " + url
                + " on this platform (" + platform.description() + "): " + cacheText
                + " could not be used, and JNA's extraction into its temporary folder failed: "
                + errorText(e) + ". Ways out: -D" + NativeLibraryFiles.CACHE_PROPERTY
                + "=DIR or -Djna.tmpdir=DIR naming a folder this user may write to, or -D"
                + LIBRARY_PATH_PROPERTY + "=/path/to/" + NativePlatform.libraryFile(platform.folder())
                + ".",
            e);
      }
      origin = "the class path resource " + resource
          + ", extracted by JNA into its temporary folder because " + cacheText
          + " could not be used";
    }
    return load(platform, file, origin, loader);
  }

  /**
   * Loads {@code file}; when that fails, the message offers the folders {@code loader}'s class
   * path holds (looked up only then: eight resource lookups cost milliseconds of a cold start).
   */
  private static Opened load(
      NativePlatform platform, File file, String origin, @Nullable ClassLoader loader) {
    try {
      return new Opened(NativeLibrary.getInstance(file.getAbsolutePath()), file, origin);
    } catch (Throwable t) {
      throw new IllegalStateException(
          loadFailedMessage(platform, file, origin, t, foldersPresent(loader)), t);
    }
  }

  /** The known platform folders that hold our library on {@code loader}'s class path. */
  static List<String> foldersPresent(@Nullable ClassLoader loader) {
    List<String> present = new ArrayList<>();
    if (loader == null) {
      return present;
    }
    for (String folder : NativePlatform.KNOWN_FOLDERS) {
      if (loader.getResource(folder + "/" + NativePlatform.libraryFile(folder)) != null) {
        present.add(folder);
      }
    }
    return present;
  }

  /** The message when neither the class path nor the system has a library for {@code platform}. */
  static String noLibraryMessage(NativePlatform platform, List<String> present) {
    StringBuilder text = new StringBuilder();
    text.append("quickjs-jsr223 has no native library for this platform (")
        .append(platform.description())
        .append("): it looked for the class path resource ")
        .append(platform.resource())
        .append(" and for ")
        .append(System.mapLibraryName(NativePlatform.LIBRARY))
        .append(" on the system's library path. ");
    if (present.isEmpty()) {
      text.append("The class path holds none of its native libraries (folders ")
          .append(String.join(", ", NativePlatform.KNOWN_FOLDERS))
          .append("): the quickjs-jsr223 jar is incomplete, or repackaging dropped those folders. ");
    } else {
      text.append("The class path holds libraries for ").append(listed(present)).append(". ");
    }
    String glibcFolder = platform.glibcFolder();
    if (platform.folder().equals(glibcFolder + "-musl") && present.contains(glibcFolder)) {
      text.append("The glibc library in ")
          .append(glibcFolder)
          .append(" is not used on musl: there it fails for want of glibc's loader, or, on a glibc")
          .append(" compatibility layer, may load and misbehave. To try it anyway on such a layer")
          .append(" (gcompat, say), start Java with -D")
          .append(NativePlatform.PLATFORM_PROPERTY)
          .append('=')
          .append(glibcFolder)
          .append(". ");
    }
    text.append("Ways out: start Java with -D")
        .append(LIBRARY_PATH_PROPERTY)
        .append("=/path/to/")
        .append(NativePlatform.libraryFile(platform.folder()))
        .append(" to load a build for this machine");
    if (!present.isEmpty()) {
      text.append(", or with -D")
          .append(NativePlatform.PLATFORM_PROPERTY)
          .append("=<folder> (one of those listed) if the platform above is detected wrongly");
    }
    return text.append('.').toString();
  }

  /** The message when the library {@code file} exists but {@code error} stopped it loading. */
  static String loadFailedMessage(
      NativePlatform platform, File file, String origin, Throwable error, List<String> present) {
    StringBuilder text = new StringBuilder();
    text.append("quickjs-jsr223 could not load its native library ")
        .append(file)
        .append(" (")
        .append(origin)
        .append(") on this platform (")
        .append(platform.description())
        .append("): ")
        .append(errorText(error))
        .append('.');
    String cause = likelyCause(platform, errorText(error), ExecutableHeader.read(file.toPath()));
    if (cause != null) {
      text.append(" Likely cause: ").append(cause);
    }
    text.append(" Ways out: -D")
        .append(LIBRARY_PATH_PROPERTY)
        .append("=/path/to/")
        .append(NativePlatform.libraryFile(platform.folder()))
        .append(" naming a build for this machine");
    List<String> others = new ArrayList<>(present);
    others.remove(platform.folder());
    if (!others.isEmpty()) {
      text.append(", or -D")
          .append(NativePlatform.PLATFORM_PROPERTY)
          .append("=<folder> to choose another of the class path's libraries (")
          .append(listed(others))
          .append(")");
    }
    return text.append('.').toString();
  }

  /** The message when JNA's own native library (libjnidispatch) failed to load. */
  static String jnaFailedMessage(NativePlatform platform, Throwable error) {
    String message = errorText(error);
    StringBuilder text = new StringBuilder();
    text.append("quickjs-jsr223 could not start JNA, through which it calls its native library, on")
        .append(" this platform (")
        .append(platform.description())
        .append("): ")
        .append(message)
        .append('.');
    String lower = message.toLowerCase(Locale.ROOT);
    if (noexec(lower)) {
      text.append(" Likely cause: ").append(NOEXEC);
    } else if (platform.libc() == NativePlatform.Libc.MUSL) {
      // see NativeLibraryFiles.initialiseJna: JNA's glibc builds usually load on musl
      text.append(" Likely cause: JNA's jar carries libjnidispatch built for glibc only, which")
          .append(" usually loads on musl but not here. Alpine's own build can take its place:")
          .append(" apk add java-jna-native, and start Java with -Djna.boot.library.path=/usr/lib.");
    } else if (lower.contains("not found in resource path")) {
      text.append(" Likely cause: JNA has no libjnidispatch for this platform; install one built")
          .append(" for it and name its folder with -Djna.boot.library.path=DIR.");
    }
    return text.toString();
  }

  private static final String NOEXEC =
      "the folder is on a file system mounted noexec (common for /tmp and some home folders in"
          + " hardened containers), from which nothing may be loaded; start Java with -D"
          + NativeLibraryFiles.CACHE_PROPERTY
          + "=DIR naming a folder on a file system that allows executing, and -Djna.tmpdir=DIR for"
          + " JNA's own copies.";

  private static boolean noexec(String lower) {
    // glibc: "failed to map segment from shared object"; musl: "Operation not permitted"
    return lower.contains("failed to map segment") || lower.contains("operation not permitted");
  }

  /**
   * The likely cause of a library failing to load, from what its first bytes say and from the
   * loader's error text; null when neither suggests one.
   */
  static @Nullable String likelyCause(
      NativePlatform platform, String error, @Nullable ByteBuffer header) {
    String os = platform.glibcFolder();
    String expected = os.startsWith("win32-") ? "PE" : os.startsWith("darwin-") ? "Mach-O" : "ELF";
    if (header != null) {
      String format = ExecutableHeader.format(header);
      if (format == null) {
        return "the file is no library at all (damaged or cut short, or a Git LFS pointer in place"
            + " of the file).";
      }
      if (!format.equals(expected)) {
        return "the file is a " + describeFormat(format) + ", not a library for this operating"
            + " system (" + expected + " files are).";
      }
      String machine = ExecutableHeader.elfMachine(header);
      String arch = platform.arch();
      boolean sameArm = machine != null && machine.equals("arm") && arch.startsWith("arm");
      if (machine != null && !machine.equals(arch) && !sameArm) {
        return "the file is built for " + machine + " processors, and this JVM runs on " + arch
            + ".";
      }
    }
    String lower = error.toLowerCase(Locale.ROOT);
    if (noexec(lower)) {
      return NOEXEC;
    }
    if (lower.contains("error looking up function")) {
      return "the library is from another version of quickjs-jsr223 than its Java classes (a"
          + " function they call is missing from it).";
    }
    // "Error loading shared library" and "Error relocating" are musl's loader's words
    boolean musl = platform.libc() == NativePlatform.Libc.MUSL
        || lower.contains("error loading shared library") || lower.contains("error relocating");
    String glibcFolder = platform.glibcFolder();
    String muslFolder = glibcFolder + "-musl";
    String property = "-D" + NativePlatform.PLATFORM_PROPERTY + "=";
    if (musl
        && (lower.contains("ld-linux") || lower.contains("libc.so.6") || lower.contains("glibc_")
            || lower.contains("symbol not found"))) {
      return "the library is built for glibc, and this JVM runs on musl; "
          + (platform.folder().equals(muslFolder)
              ? "the class path's " + muslFolder + " folder holds a glibc build by mistake."
              : "the " + muslFolder + " library is the one for it (" + property + muslFolder
                  + "), or a glibc compatibility layer such as gcompat.");
    }
    if (!musl && (lower.contains("libc.musl-") || lower.contains("libc.so: invalid elf header"))) {
      // a musl build asks for libc.so (zig, musl-gcc) or libc.musl-<arch>.so.1 (Alpine's gcc);
      // glibc finds its libc.so linker script or nothing
      return "the library is built for musl, and this JVM runs on glibc; "
          + (platform.folder().equals(glibcFolder)
              ? "the class path's " + glibcFolder + " folder holds a musl build by mistake."
              : "the " + glibcFolder + " library is the one for it (" + property + glibcFolder
                  + ", or no such property).");
    }
    if (lower.contains("glibc_") && lower.contains("not found")) {
      return "the library needs a newer glibc than this system's (the version named above).";
    }
    if (lower.contains("wrong elf class") || lower.contains("incompatible architecture")
        || lower.contains("wrong architecture")) {
      return "the library is built for another processor or word size than this JVM's.";
    }
    if (lower.contains("cannot open shared object file")
        || lower.contains("can't find dependent libraries")
        || lower.contains("library not loaded")) {
      return "a library it depends on is not installed (the error above names it).";
    }
    return null;
  }

  private static String describeFormat(String format) {
    return switch (format) {
      case "PE" -> "Windows library (PE)";
      case "Mach-O" -> "macOS library (Mach-O)";
      default -> "Linux or Unix library (ELF)";
    };
  }

  /**
   * The loader's own words from an error: JNA's message repeats the same line for each way it
   * tried and ends listing the whole class path, which helps nobody here.
   */
  static String errorText(Throwable error) {
    String message = error.getMessage();
    if (message == null || message.isBlank()) {
      return error.getClass().getName();
    }
    Set<String> kept = new LinkedHashSet<>();
    String[] lines = message.split("\\R");
    for (String raw : lines) {
      String line = raw.trim();
      if (line.isEmpty()
          || (line.startsWith("Unable to load library '") && line.endsWith("':"))
          || (line.startsWith("Native library (") && line.contains("not found in resource path"))) {
        continue;
      }
      kept.add(line.length() > 400 ? line.substring(0, 400) + "…" : line);
    }
    String text = kept.isEmpty() ? lines[0].trim() : String.join("; ", kept);
    if (text.length() > 400 && kept.isEmpty()) {
      text = text.substring(0, 400) + "…";
    }
    while (text.endsWith(".") || text.endsWith(":")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }

  private static String listed(List<String> folders) {
    return folders.isEmpty() ? "no platform" : String.join(", ", folders);
  }
}
