package dev.qjs.internal.sourcemap;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One engine's source maps, by generated file name: what the engine asks to turn a generated
 * position (file, line, QuickJS column) into the original one. Registering is cheap: it looks
 * at the source's tail for a {@code //# sourceMappingURL=} comment, and only for code that has
 * a map, indexes the few lines whose columns QuickJS counts differently ({@link
 * GeneratedColumns}) instead of keeping the source; the map is fetched, parsed and decoded on
 * the first lookup for that file. A map that cannot
 * be had (the fetcher fails or finds nothing, the map is invalid, Jackson is not on the class
 * path) is logged once per file at WARNING on the {@code dev.qjs.sourcemap} logger, with why,
 * and its file then maps to nothing: positions stay generated ones. Registering a file again
 * replaces its entry; past {@code capacity} files, the least recently registered is dropped.
 * Thread-safe.
 *
 * <pre>{@code
 * SourceMaps maps = new SourceMaps(SourceMaps.DEFAULT_CAPACITY);
 * maps.register("dist/app.js", source, null, url -> Files.readString(Path.of("dist", url)));
 * OriginalPosition p = maps.map("dist/app.js", 1, 120); // null when nothing maps
 * }</pre>
 */
public final class SourceMaps {
  /** Files remembered per engine unless told otherwise. */
  public static final int DEFAULT_CAPACITY = 1024;

  private static final System.Logger LOG = System.getLogger("dev.qjs.sourcemap");

  /** How a failure that is our bug, not the map's, starts (the fuzz target looks for it). */
  static final String INTERNAL_ERROR = "internal error while reading the map (please report it): ";

  private final int capacity;
  private final Map<String, Entry> entries;

  /**
   * Files already warned about, with the reason, so that one broken map warns once however
   * often its script is evaluated (and registered) again; a different reason warns anew.
   */
  private final Set<String> warned;

  /** A registry that keeps at most {@code capacity} files (at least 1). */
  public SourceMaps(int capacity) {
    this.capacity = Math.max(1, capacity);
    this.entries = new OldestDropped(this.capacity);
    this.warned = new LinkedHashSet<>();
  }

  /**
   * Remembers a generated script or module's map, if it has one: {@code explicitMapJson} when
   * given, else the one its last {@code sourceMappingURL} comment names ({@code data:} URLs are
   * decoded here, other URLs go to {@code fetcher} on the first lookup). With neither, nothing
   * is registered (and an earlier entry for the file is dropped: the file changed).
   *
   * @param generatedFile the file name the engine reports for the code (its positions' key)
   * @param generatedSource the code as QuickJS runs it (its astral characters shift columns)
   * @param explicitMapJson a map given by the application, or null
   * @param fetcher reads a map by the comment's URL (relative to the generated file)
   */
  public void register(
      String generatedFile,
      String generatedSource,
      @Nullable String explicitMapJson,
      MapFetcher fetcher) {
    String url = explicitMapJson == null ? SourceMappingUrl.find(generatedSource) : null;
    synchronized (this) {
      entries.remove(generatedFile); // re-registered: becomes the newest
      if (explicitMapJson == null && url == null) {
        return;
      }
      // the column index is built now (one pass, and only for code that has a map) so that the
      // source text itself is not kept: a registry may hold a thousand bundles
      entries.put(
          generatedFile,
          new Entry(generatedFile, GeneratedColumns.of(generatedSource), explicitMapJson, url, fetcher));
    }
  }

  /**
   * The original position of a generated one, or null when the file has no usable map or the
   * map has nothing for that position.
   *
   * @param generatedFile the file name given to {@link #register}
   * @param line 1-based generated line
   * @param quickJsColumn 1-based generated column in code points, as QuickJS reports it
   */
  public @Nullable OriginalPosition map(String generatedFile, int line, int quickJsColumn) {
    return lookup(generatedFile, line,
        r -> r.map.lookup(line - 1, r.columns.utf16Column(line, quickJsColumn)));
  }

  /**
   * Where a generated line's code came from (see {@link SourceMap#lineOrigin}), or null when the
   * file has no usable map or nothing on the line maps: a debugger's stop points are lines.
   *
   * @param generatedFile the file name given to {@link #register}
   * @param line 1-based generated line
   */
  public @Nullable OriginalPosition lineOrigin(String generatedFile, int line) {
    return lookup(generatedFile, line, r -> r.map.lineOrigin(line - 1));
  }

  /** A lookup in a resolved map. */
  private interface Lookup {
    @Nullable OriginalPosition in(Resolved r) throws InvalidSourceMapException;
  }

  /**
   * A lookup on a 1-based line of a file's map: null when the file has no usable map, and when
   * the mappings it needs turn out malformed (the file then maps to nothing, with a warning).
   */
  private @Nullable OriginalPosition lookup(String generatedFile, int line, Lookup lookup) {
    Entry entry;
    synchronized (this) {
      entry = entries.get(generatedFile);
    }
    if (entry == null || line < 1) {
      return null;
    }
    Resolved r = resolve(entry);
    if (r == null) {
      return null;
    }
    try {
      return lookup.in(r);
    } catch (InvalidSourceMapException e) {
      entry.fail(e.getMessage()); // a section's mappings turned out malformed
      warnOnce(entry);
      return null;
    } catch (RuntimeException e) {
      entry.fail(INTERNAL_ERROR + e); // a bug here must not turn into a failing script
      warnOnce(entry);
      return null;
    }
  }

  /**
   * Whether {@code generatedFile} has a map that can be read (reading it now if it was not yet):
   * unlike {@link #has}, false for a map that failed.
   */
  public boolean usable(String generatedFile) {
    Entry entry;
    synchronized (this) {
      entry = entries.get(generatedFile);
    }
    return entry != null && resolve(entry) != null;
  }

  /**
   * An original source's text as the map's {@code sourcesContent} holds it, or null when the
   * map does not carry it.
   *
   * @param generatedFile the generated file whose map names the source
   * @param source the original source, as {@link OriginalPosition#source()} gives it
   */
  public @Nullable String originalSource(String generatedFile, String source) {
    Entry entry;
    synchronized (this) {
      entry = entries.get(generatedFile);
    }
    Resolved r = entry == null ? null : resolve(entry);
    return r == null ? null : r.map.sourceContent(source);
  }

  /**
   * One line of an original source as the map's {@code sourcesContent} holds it (for a code
   * frame), or null when the map does not carry that source or has no such line.
   *
   * @param generatedFile the generated file whose map names the source
   * @param source the original source, as {@link OriginalPosition#source()} gives it
   * @param line 1-based line; lines end at {@code \n}, {@code \r\n} or {@code \r}
   */
  public @Nullable String originalSourceLine(String generatedFile, String source, int line) {
    String content = originalSource(generatedFile, source);
    if (content == null || line < 1) {
      return null;
    }
    int start = 0;
    for (int l = 1; l < line; l++) {
      int next = nextLine(content, start);
      if (next < 0) {
        return null;
      }
      start = next;
    }
    int end = start;
    while (end < content.length() && content.charAt(end) != '\n' && content.charAt(end) != '\r') {
      end++;
    }
    return content.substring(start, end);
  }

  /** Whether {@code generatedFile} has a map registered (usable or not: it is read lazily). */
  public synchronized boolean has(String generatedFile) {
    return entries.containsKey(generatedFile);
  }

  /** Whether no file has a map (so callers can skip mapping altogether). */
  public synchronized boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Files registered (at most the capacity). */
  synchronized int size() {
    return entries.size();
  }

  private static int nextLine(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        return i + 1;
      }
      if (c == '\r') {
        return i + 1 < s.length() && s.charAt(i + 1) == '\n' ? i + 2 : i + 1;
      }
    }
    return -1;
  }

  private @Nullable Resolved resolve(Entry entry) {
    Resolved r = entry.resolve();
    if (r == null) {
      warnOnce(entry);
    }
    return r;
  }

  private void warnOnce(Entry entry) {
    String reason = entry.failure();
    if (reason == null) {
      return;
    }
    synchronized (this) {
      if (!warned.add(entry.file + "\n" + reason)) {
        return;
      }
      if (warned.size() > capacity) {
        warned.remove(warned.iterator().next());
      }
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "no source map for {0}, its positions stay as generated: {1}",
        entry.file,
        reason);
  }

  /** The entries in registration order, dropping the oldest past the capacity. */
  private static final class OldestDropped extends LinkedHashMap<String, Entry> {
    private static final long serialVersionUID = 1L;
    private final int limit;

    OldestDropped(int limit) {
      this.limit = limit;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > limit;
    }
  }

  /** A usable map and the column index of its generated source. */
  private record Resolved(SourceMap map, GeneratedColumns columns) {}

  /** A registered file: unresolved until its first lookup, then a map or a failure, for good. */
  private static final class Entry {
    final String file;
    private final GeneratedColumns columns;
    private @Nullable String explicitJson;
    private @Nullable String url;
    private @Nullable MapFetcher fetcher;
    private @Nullable Resolved resolved;
    private @Nullable String failure;

    Entry(
        String file,
        GeneratedColumns columns,
        @Nullable String explicitJson,
        @Nullable String url,
        MapFetcher fetcher) {
      this.file = file;
      this.columns = columns;
      this.explicitJson = explicitJson;
      this.url = url;
      this.fetcher = fetcher;
    }

    synchronized @Nullable String failure() {
      return failure;
    }

    synchronized void fail(@Nullable String reason) {
      resolved = null;
      failure = reason == null ? "the map is invalid" : reason;
    }

    /** The map, fetching and parsing it the first time; null once that failed. */
    synchronized @Nullable Resolved resolve() {
      if (resolved != null || failure != null) {
        return resolved;
      }
      try {
        resolved = new Resolved(load(), columns);
      } catch (InvalidSourceMapException e) {
        failure = e.getMessage();
      } catch (IOException e) {
        failure = "the map " + url + " cannot be read: " + e;
      } catch (RuntimeException e) {
        failure = INTERNAL_ERROR + e;
      } catch (LinkageError e) {
        // Jackson is an optional dependency: without it, the JSON reader does not link
        failure =
            "reading source maps needs com.fasterxml.jackson.core:jackson-databind on the class"
                + " path (" + e + ")";
      }
      if (failure != null && failure.isEmpty()) {
        failure = "the map is invalid";
      }
      // done either way: the JSON, the URL and the fetcher are no longer needed
      explicitJson = null;
      url = null;
      fetcher = null;
      return resolved;
    }

    private SourceMap load() throws InvalidSourceMapException, IOException {
      String json = explicitJson;
      String location = file;
      if (json == null) {
        String u = url;
        MapFetcher f = fetcher;
        if (u == null || f == null) {
          throw new InvalidSourceMapException("no map was given");
        }
        if (SourceMappingUrl.isData(u)) {
          json = SourceMappingUrl.decodeData(u);
        } else {
          try {
            json = f.fetch(u);
          } catch (RuntimeException e) {
            throw new IOException("the fetcher threw " + e, e);
          }
          if (json == null) {
            throw new InvalidSourceMapException(
                "the map " + u + " named by its sourceMappingURL comment was not found");
          }
          location = SourceLocations.resolve(u, file);
        }
      }
      return SourceMapJson.read(json, location);
    }
  }
}
