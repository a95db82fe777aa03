package dev.qjs.internal.sourcemap;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the map a {@code //# sourceMappingURL=} comment names, for {@link SourceMaps}. The
 * engine supplies one that resolves the URL through the {@code ModuleLoader} (for a module) or
 * the folder of the script's {@code FILENAME}. Called at most once per registered script, on
 * the first lookup, never for {@code data:} URLs (those are decoded here).
 *
 * <pre>{@code
 * MapFetcher fromDisk = url -> {
 *   Path p = Path.of("dist").resolve(url);
 *   return Files.isRegularFile(p) ? Files.readString(p) : null;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface MapFetcher {
  /** A fetcher for scripts whose maps can only be inline or explicit: it finds nothing. */
  MapFetcher NONE = url -> null;

  /**
   * The map's JSON text.
   *
   * @param url the comment's URL exactly as written (relative to the generated file, or absolute)
   * @return the JSON, or null when there is no such map
   * @throws IOException when the map exists but cannot be read
   */
  @Nullable String fetch(String url) throws IOException;
}
