package dev.qjs.internal.modules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A read-only tree of files, addressed by normalized relative paths: segments joined by
 * {@code /}, no {@code .}, {@code ..} or empty segments, {@code ""} for the root. Only files are
 * asked about; a tree need not know its directories (a jar often does not list them).
 */
public interface FileTree {
  /**
   * True when {@code path} is a regular file of this tree.
   *
   * @throws RootEscapeException when the path reaches outside the tree (a symbolic link)
   */
  boolean isFile(String path) throws IOException;

  /**
   * The text of the file at {@code path}, decoded as UTF-8 without a leading byte order mark;
   * null when there is no such file.
   */
  @Nullable String read(String path) throws IOException;

  /** The module id of the file at {@code path}. */
  String id(String path);

  /** The path of one of this tree's ids; null when {@code id} is not this tree's. */
  @Nullable String path(String id);

  /**
   * The path that an absolute specifier ({@code /x}, {@code C:\x}, {@code file:///x}) names;
   * null when this tree takes no absolute specifiers.
   *
   * @throws RootEscapeException when the specifier names a place outside the tree
   */
  @Nullable String absolute(String specifier) throws IOException;

  /** The path of the file itself once symbolic links are followed; the path when none. */
  default String canonical(String path) throws IOException {
    return path;
  }

  /**
   * True when a top-level script may name files by paths from the root ({@code ./x.js}); false
   * for a tree of packages only, whose root holds no modules.
   */
  default boolean hasRootFiles() {
    return true;
  }

  /** True when the files never change, so what is read from them may be kept. */
  boolean immutable();

  /** The root, as a message shows it: {@code "the root /app/scripts"}. */
  String describeRoot();

  /** UTF-8 text without a leading byte order mark; malformed bytes become U+FFFD. */
  static String text(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }
}
