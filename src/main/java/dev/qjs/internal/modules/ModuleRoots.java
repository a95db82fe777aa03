package dev.qjs.internal.modules;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The folders of the setting {@code quickjs.moduleRoots} as one loader: a {@link
 * ModuleLoader#directory} per folder and a {@link ModuleLoader#classpath} per {@code
 * classpath:prefix/} entry, asked in order. A relative specifier from a file outside every root
 * (a script whose {@code FILENAME} is an absolute path) is resolved against that file's folder
 * and refused unless a root holds the result; every refusal names the setting.
 */
public final class ModuleRoots implements ModuleLoader {
  /** The ENGINE_SCOPE key and system property. */
  public static final String KEY = "quickjs.moduleRoots";
  /** The prefix of a class-path entry. */
  static final String CLASSPATH = ClasspathTree.SCHEME;

  private static final String FORMS =
      "folders as a String separated by File.pathSeparator (\"" + File.pathSeparator
          + "\"), a Path, or a Collection of Paths or Strings (one folder each); an entry"
          + " classpath:prefix/ names class-path resources below prefix";

  private final List<String> entries;
  private final ModuleLoader chain;

  /** The roots of entries (as {@link #entries} gives them); class-path ones read from loader. */
  ModuleRoots(List<String> entries, ClassLoader loader) {
    this.entries = List.copyOf(entries);
    ModuleLoader c = null;
    for (String e : entries) {
      ModuleLoader next =
          e.startsWith(CLASSPATH)
              ? TreeLoader.classpath(loader, e.substring(CLASSPATH.length()))
              : TreeLoader.directory(Path.of(e));
      c = c == null ? next : c.orElse(next);
    }
    if (c == null) {
      throw new IllegalArgumentException(KEY + " has no entries");
    }
    this.chain = c;
  }

  /**
   * The entries of a setting's value, each a folder's absolute path or {@code classpath:prefix};
   * empty for null or a value without entries (none set).
   *
   * @throws IllegalArgumentException naming the key and the forms it accepts: a value of another
   *     type, a folder that is not a readable directory, a class-path prefix that climbs above
   *     the class path's root or holds NUL
   */
  public static List<String> entries(@Nullable Object value, String key) {
    List<String> raw = new ArrayList<>();
    if (value == null) {
      return List.of();
    } else if (value instanceof CharSequence s) {
      raw.addAll(split(s.toString()));
    } else if (value instanceof Path p) {
      raw.add(p.toString());
    } else if (value instanceof Collection<?> c) {
      for (Object o : c) {
        if (o instanceof Path p) {
          raw.add(p.toString());
        } else if (o instanceof CharSequence s) {
          raw.add(s.toString());
        } else {
          throw bad(key, value, "an entry is " + (o == null ? "null" : "a " + o.getClass().getName()));
        }
      }
    } else {
      throw bad(key, value, null);
    }
    List<String> entries = new ArrayList<>();
    for (String e : raw) {
      String entry = e.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.indexOf('\0') >= 0) {
        throw bad(key, value, "an entry holds a NUL character");
      }
      if (entry.startsWith(CLASSPATH)) {
        String prefix = entry.substring(CLASSPATH.length()).replace('\\', '/');
        String normalized = TreePath.join("", prefix);
        if (normalized == null) {
          throw bad(key, value, "the class-path entry " + shortened(entry) + " climbs above the class path's root");
        }
        entries.add(CLASSPATH + normalized);
        continue;
      }
      Path dir;
      try {
        dir = Path.of(entry).toAbsolutePath().normalize();
      } catch (InvalidPathException ex) {
        throw bad(key, value, "the entry " + shortened(entry) + " is not a path");
      }
      if (!Files.isDirectory(dir) || !Files.isReadable(dir)) {
        throw bad(key, value, "the folder " + shortened(dir.toString()) + " is not a readable directory");
      }
      entries.add(dir.toString());
    }
    return List.copyOf(entries);
  }

  /** Splits on File.pathSeparator, keeping {@code classpath:x} whole where that is ':'. */
  private static List<String> split(String s) {
    String sep = File.pathSeparator;
    List<String> parts = new ArrayList<>(List.of(s.split(java.util.regex.Pattern.quote(sep), -1)));
    if (!CLASSPATH.endsWith(sep)) {
      return parts;
    }
    String scheme = CLASSPATH.substring(0, CLASSPATH.length() - sep.length());
    List<String> joined = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String p = parts.get(i);
      if (p.trim().equals(scheme) && i + 1 < parts.size()) {
        joined.add(CLASSPATH + parts.get(++i));
      } else {
        joined.add(p);
      }
    }
    return joined;
  }

  private static IllegalArgumentException bad(String key, Object value, @Nullable String problem) {
    return new IllegalArgumentException(
        key + " must be " + FORMS + "; " + (problem != null ? problem + " in " : "not ")
            + shortened(String.valueOf(value)) + " (" + value.getClass().getName() + ")");
  }

  private static String shortened(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "... (" + s.length() + " chars)" : s;
  }

  @Override
  public @Nullable String resolve(String specifier, @Nullable String referrer, Kind kind) throws IOException {
    boolean relative = isRelative(specifier);
    Path from = referrer == null || !relative ? null : fileOf(referrer);
    String id;
    ModuleNotFoundException refused = null;
    try {
      id = chain.resolve(specifier, referrer, kind);
    } catch (ModuleNotFoundException e) {
      if (from == null || !e.reason().startsWith("refused:")) {
        throw named(e);
      }
      refused = e; // it leaves the referrer's root: another root may hold it
      id = null;
    }
    if (id != null || from == null || from.getParent() == null) {
      return id; // null: not a file's path, the engine resolves it from the roots
    }
    Path target;
    try {
      target = from.getParent().resolve(specifier.replace('\\', '/')).normalize();
    } catch (InvalidPathException e) {
      throw new ModuleNotFoundException(specifier, referrer, "not a path", List.of());
    }
    try {
      id = chain.resolve(target.toUri().toString(), referrer, kind);
    } catch (ModuleNotFoundException e) {
      if (!e.reason().startsWith("refused:")) {
        throw new ModuleNotFoundException(specifier, referrer, e.reason(), e.tried());
      }
      id = null;
    }
    if (id == null) {
      throw refused != null ? named(refused) : new ModuleNotFoundException(specifier, referrer,
          "refused: " + target + " is outside every folder that " + KEY + " allows " + entries, List.of());
    }
    return id;
  }

  /** A refusal from a root, with the setting that chose the roots. */
  private ModuleNotFoundException named(ModuleNotFoundException e) {
    if (!e.reason().startsWith("refused:")) {
      return e;
    }
    ModuleNotFoundException n = new ModuleNotFoundException(
        e.specifier(), e.referrer(), e.reason() + " (" + KEY + " allows " + entries + ")", e.tried());
    for (Throwable s : e.getSuppressed()) {
      n.addSuppressed(s);
    }
    return n;
  }

  private static boolean isRelative(String spec) {
    String s = spec.replace('\\', '/');
    return s.equals(".") || s.equals("..") || s.startsWith("./") || s.startsWith("../");
  }

  /** The absolute file path an id or FILENAME names; null for {@code <eval>}, URLs, relative names. */
  private static @Nullable Path fileOf(String referrer) {
    if (referrer.startsWith("<") || referrer.indexOf('\0') >= 0
        || referrer.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      return null;
    }
    try {
      Path p = Path.of(referrer);
      return p.isAbsolute() ? p.normalize() : null;
    } catch (InvalidPathException e) {
      return null;
    }
  }

  @Override
  public @Nullable ModuleSource load(String id) throws IOException {
    return chain.load(id);
  }

  @Override
  public String toString() {
    return KEY + entries;
  }
}
