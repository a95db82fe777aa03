package dev.qjs.internal.modules;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Normalized relative paths of a {@link FileTree}: {@code a/b/c.js}, {@code ""} the root. */
final class TreePath {
  private TreePath() {}

  /**
   * {@code relative} (segments joined by {@code /}; {@code .}, {@code ..} and empty segments
   * allowed) taken from directory {@code dir}, normalized; null when it climbs above the root.
   */
  /**
   * The path an absolute specifier ({@code /x}) names in a tree of plain paths (no drive letters,
   * no {@code file:} URLs): null for a specifier that is not absolute.
   *
   * @throws RootEscapeException when the path climbs above the root, described by {@code root}
   */
  static @Nullable String absoluteInPlainTree(String specifier, String root) throws RootEscapeException {
    if (!specifier.startsWith("/")) {
      return null;
    }
    String path = join("", specifier);
    if (path == null) {
      throw new RootEscapeException("the path climbs above " + root);
    }
    return path;
  }

  static @Nullable String join(String dir, String relative) {
    Deque<String> segments = new ArrayDeque<>();
    for (String part : (dir + "/" + relative).split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (segments.isEmpty()) {
          return null;
        }
        segments.removeLast();
      } else {
        segments.addLast(part);
      }
    }
    return String.join("/", segments);
  }

  /** The directory holding {@code path}; {@code ""} for a path at the root. */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** The last segment of {@code path}. */
  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The lower-case extension of the last segment, with its dot; {@code ""} when none. */
  static String extension(String path) {
    String name = name(path);
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
  }

  /** True when {@code s} is one plain segment: not empty, no slash, not {@code .} or {@code ..}. */
  static boolean isSegment(String s) {
    return !s.isEmpty()
        && !s.equals(".")
        && !s.equals("..")
        && s.indexOf('/') < 0
        && s.indexOf('\\') < 0
        && s.indexOf('\0') < 0;
  }

  /** {@code child} inside {@code dir} ({@code dir} may be the root {@code ""}). */
  static String child(String dir, String child) {
    return dir.isEmpty() ? child : dir + "/" + child;
  }
}
