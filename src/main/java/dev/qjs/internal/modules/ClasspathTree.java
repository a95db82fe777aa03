package dev.qjs.internal.modules;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The resources below a root on a class loader's class path. Ids are {@code classpath:} and the
 * resource name ({@code classpath:scripts/lib/a.js}); an absolute specifier {@code /x} names
 * {@code x} below the root.
 */
public final class ClasspathTree implements FileTree {
  static final String SCHEME = "classpath:";

  private final ClassLoader loader;
  private final String root;

  /**
   * @throws IllegalArgumentException when {@code root} climbs above the class path root or
   *     contains NUL
   */
  public ClasspathTree(ClassLoader loader, String root) {
    this.loader = Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(root, "root");
    String normalized = root.indexOf('\0') >= 0 ? null : TreePath.join("", root.replace('\\', '/'));
    if (normalized == null) {
      throw new IllegalArgumentException("Not a class path root: " + root);
    }
    this.root = normalized;
  }

  /** The resource name of {@code path}. */
  String resource(String path) {
    return TreePath.child(root, path);
  }

  @Override
  public boolean isFile(String path) {
    if (path.isEmpty()) {
      return false;
    }
    String name = resource(path);
    URL url = loader.getResource(name);
    if (url == null) {
      return false;
    }
    if ("file".equals(url.getProtocol())) {
      try {
        return Files.isRegularFile(Path.of(url.toURI()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return false;
      }
    }
    // a jar finds "dir" for its entry "dir/"; a file entry "a.js" has no "a.js/"
    return loader.getResource(name + "/") == null;
  }

  @Override
  public @Nullable String read(String path) throws IOException {
    if (!isFile(path)) {
      return null;
    }
    try (InputStream in = loader.getResourceAsStream(resource(path))) {
      return in == null ? null : FileTree.text(in.readAllBytes());
    }
  }

  @Override
  public String id(String path) {
    return SCHEME + resource(path);
  }

  @Override
  public @Nullable String path(String id) {
    if (!id.startsWith(SCHEME)) {
      return null;
    }
    String name = id.substring(SCHEME.length());
    if (name.isEmpty() || !name.equals(TreePath.join("", name))) {
      return null; // not normalized: not an id this tree gives
    }
    if (root.isEmpty()) {
      return name;
    }
    return name.startsWith(root + "/") ? name.substring(root.length() + 1) : null;
  }

  @Override
  public @Nullable String absolute(String specifier) throws IOException {
    return TreePath.absoluteInPlainTree(specifier, describeRoot());
  }

  @Override
  public boolean immutable() {
    return true;
  }

  @Override
  public String describeRoot() {
    return "the root " + SCHEME + root + (root.isEmpty() ? "" : "/");
  }
}
