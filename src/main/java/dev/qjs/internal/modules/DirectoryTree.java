package dev.qjs.internal.modules;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The files below a directory. Ids are real absolute paths. Every file is checked, once symbolic
 * links are followed, to lie inside the root's real path; one that does not is a {@link
 * RootEscapeException}, not a missing file.
 */
public final class DirectoryTree implements FileTree {
  private final Path root;
  private final Path given;

  /**
   * @throws IllegalArgumentException when {@code root} is not a readable directory
   */
  public DirectoryTree(Path root) {
    Objects.requireNonNull(root, "root");
    this.given = root.toAbsolutePath().normalize();
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("Module root " + root + " is not a readable directory: " + e, e);
    }
    if (!Files.isDirectory(this.root)) {
      throw new IllegalArgumentException("Module root " + root + " is not a directory");
    }
  }

  private @Nullable Path file(String path) {
    try {
      Path p = path.isEmpty() ? root : root.resolve(path).normalize();
      return p.startsWith(root) ? p : null;
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** The file's real path; null when there is none; an escape when it lies outside the root. */
  private @Nullable Path real(String path) throws IOException {
    Path p = file(path);
    if (p == null || !Files.exists(p)) {
      return null;
    }
    Path real = p.toRealPath();
    if (!real.startsWith(root)) {
      throw new RootEscapeException(
          "the path leads through a symbolic link to " + real + ", outside the root " + root);
    }
    return real;
  }

  @Override
  public boolean isFile(String path) throws IOException {
    Path real = real(path);
    return real != null && Files.isRegularFile(real);
  }

  @Override
  public @Nullable String read(String path) throws IOException {
    Path real = real(path);
    return real != null && Files.isRegularFile(real) ? FileTree.text(Files.readAllBytes(real)) : null;
  }

  @Override
  public String canonical(String path) throws IOException {
    Path real = real(path);
    return real == null ? path : relative(real, root);
  }

  private static String relative(Path p, Path base) {
    StringBuilder b = new StringBuilder();
    for (Path name : base.relativize(p)) {
      String s = name.toString();
      if (!s.isEmpty()) {
        b.append(b.length() == 0 ? "" : "/").append(s);
      }
    }
    return b.toString();
  }

  @Override
  public String id(String path) {
    return path.isEmpty() ? root.toString() : root.resolve(path).toString();
  }

  @Override
  public @Nullable String path(String id) {
    Path p;
    try {
      p = Path.of(id);
    } catch (InvalidPathException e) {
      return null;
    }
    return inside(p);
  }

  private @Nullable String inside(Path p) {
    if (!p.isAbsolute()) {
      return null;
    }
    Path n = p.normalize();
    if (n.startsWith(root)) {
      return relative(n, root);
    }
    if (n.startsWith(given)) {
      return relative(n, given);
    }
    return null;
  }

  @Override
  public @Nullable String absolute(String specifier) throws IOException {
    Path p;
    try {
      p = specifier.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(specifier)) : Path.of(specifier);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new RootEscapeException("the path is not one of this file system, outside the root " + root);
    }
    String path = inside(p);
    if (path == null) {
      throw new RootEscapeException(
          p.isAbsolute()
              ? "the absolute path is outside the root " + root
              : "the path is absolute on another system, outside the root " + root);
    }
    return path;
  }

  @Override
  public boolean immutable() {
    return false;
  }

  @Override
  public String describeRoot() {
    return "the root " + root;
  }
}
