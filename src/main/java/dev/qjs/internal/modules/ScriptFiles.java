package dev.qjs.internal.modules;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What Nashorn's {@code load(path)} and {@code loadWithNewGlobal(path)} read: a path, a
 * {@code file:} URL or a {@code classpath:} name, found through the engine's loaders (the folders
 * imports may come from) and read as text. A relative path is taken from the calling script's
 * folder; {@code http:}, {@code https:} and other URLs are refused: scripts do not reach the
 * network.
 */
public final class ScriptFiles {
  /** A URL scheme of two letters or more; one letter is a Windows drive. */
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):.*", Pattern.DOTALL);
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:[/\\\\].*", Pattern.DOTALL);

  private ScriptFiles() {}

  /**
   * The file {@code path} names for a script of file {@code referrer} (null or {@code <eval>}:
   * none), through {@code through}: its id (the name errors report) and text.
   *
   * @param function the script's name of the function, for messages
   * @throws IllegalArgumentException with a message for the script: a URL that is not allowed,
   *     a path no loader knows or one refuses, a file that cannot be read
   */
  public static ModuleSource read(
      ModuleRegistry registry, ModuleLoader through, String function, String path, @Nullable String referrer) {
    String specifier = specifier(function, path);
    String id;
    try {
      id = registry.resolve(specifier, referrer, false, through);
    } catch (ModuleNotFoundException e) {
      throw new IllegalArgumentException(
          function + ": cannot load '" + shown(path) + "'"
              + (e.referrer() == null ? "" : " from " + shown(e.referrer())) + ": " + e.reason(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(function + ": cannot load '" + shown(path) + "': " + e.getMessage(), e);
    }
    try {
      return ModuleLookup.load(through, id);
    } catch (IOException e) {
      throw new IllegalArgumentException(function + ": cannot read " + shown(id) + ": " + e.getMessage(), e);
    }
  }

  /** The specifier the loaders are asked for: a relative path gets {@code ./}; URLs are checked. */
  private static String specifier(String function, String path) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException(function + ": the path is empty");
    }
    if (path.length() > TreeLoader.MAX_SPECIFIER_LENGTH) {
      throw new IllegalArgumentException(function + ": the path is " + path.length()
          + " characters long, more than the " + TreeLoader.MAX_SPECIFIER_LENGTH + " allowed");
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(function + ": the path holds a NUL character");
    }
    var scheme = SCHEME.matcher(path);
    if (scheme.matches()) {
      String name = scheme.group(1).toLowerCase(Locale.ROOT);
      if (name.equals("http") || name.equals("https")) {
        throw new IllegalArgumentException(function + ": '" + shown(path) + "' is refused: scripts"
            + " may not load from the network; put the file in a folder of " + ModuleRoots.KEY);
      }
      if (name.equals("file") || name.equals("classpath")) {
        return path;
      }
      throw new IllegalArgumentException(function + ": '" + shown(path) + "' is refused: only"
          + " paths, file: URLs and classpath: names can be loaded");
    }
    String p = path.replace('\\', '/');
    if (p.startsWith("/") || DRIVE.matcher(path).matches() || p.startsWith("./") || p.startsWith("../")) {
      return path;
    }
    return "./" + path;
  }

  private static String shown(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "… (" + s.length() + " chars)" : s;
  }
}
