package dev.qjs.internal.modules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Modules held in memory by name. Ids are the names normalized ({@code ./lib/a.js} and
 * {@code /lib/a.js} are {@code lib/a.js}); an absolute specifier {@code /x} names {@code x}.
 */
public final class MapTree implements FileTree {
  private final Map<String, String> files;

  /**
   * @throws IllegalArgumentException when a name is empty, contains NUL, climbs above the root,
   *     or normalizes to the same name as another
   */
  public MapTree(Map<String, String> sources) {
    Objects.requireNonNull(sources, "sources");
    Map<String, String> copy = new LinkedHashMap<>();
    sources.forEach(
        (name, text) -> {
          Objects.requireNonNull(name, "a module name");
          Objects.requireNonNull(text, () -> "the source of module " + name);
          String path = name.indexOf('\0') >= 0 ? null : TreePath.join("", name.replace('\\', '/'));
          if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("Not a module name: '" + name.replace("\0", "\\0") + "'");
          }
          if (copy.put(path, text.startsWith("\uFEFF") ? text.substring(1) : text) != null) {
            throw new IllegalArgumentException("Two module names mean " + path + ": " + name);
          }
        });
    this.files = Map.copyOf(copy);
  }

  @Override
  public boolean isFile(String path) {
    return files.containsKey(path);
  }

  @Override
  public @Nullable String read(String path) {
    return files.get(path);
  }

  @Override
  public String id(String path) {
    return path;
  }

  @Override
  public @Nullable String path(String id) {
    return files.containsKey(id) ? id : null;
  }

  @Override
  public @Nullable String absolute(String specifier) throws RootEscapeException {
    return TreePath.absoluteInPlainTree(specifier, describeRoot());
  }

  @Override
  public boolean immutable() {
    return true;
  }

  @Override
  public String describeRoot() {
    return "the root of the in-memory modules";
  }
}
