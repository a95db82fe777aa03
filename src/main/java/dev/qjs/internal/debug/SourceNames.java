package dev.qjs.internal.debug;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The one name a source has in breakpoints, on both sides of the protocol: a script's {@code
 * FILENAME} that names an existing file is that file's absolute, normalized path (a client sets
 * breakpoints by the path of the file it opened, and an engine may know the file by a relative
 * name); any other name (a module id, {@code <eval>}, a name that is no file) stays as it is.
 */
public final class SourceNames {
  private SourceNames() {}

  /**
   * The canonical name of a source.
   *
   * @param name the engine's or the client's name for it
   * @return the absolute path when {@code name} is an existing regular file, else {@code name}
   */
  public static String canonical(String name) {
    if (name.isEmpty() || name.charAt(0) == '<') {
      return name;
    }
    try {
      Path p = Path.of(name);
      if (Files.isRegularFile(p)) {
        return p.toAbsolutePath().normalize().toString();
      }
    } catch (InvalidPathException | SecurityException notAFile) {
      // a module id or a name that is no path
    }
    return name;
  }
}
