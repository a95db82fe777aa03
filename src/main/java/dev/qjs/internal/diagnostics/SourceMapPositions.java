package dev.qjs.internal.diagnostics;

import dev.qjs.internal.sourcemap.MapFetcher;
import dev.qjs.internal.sourcemap.OriginalPosition;
import dev.qjs.internal.sourcemap.SourceMaps;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An engine's source maps as the stack mapping needs them: positions, the original names of
 * functions, and lines of original sources. Keeps, for each file with a map, the generated line
 * text of its function definitions' lines only when asked (see {@link #functionName}), and which
 * generated file each original source came from (for its lines).
 */
final class SourceMapPositions implements PositionMapper {
  /** Generated sources kept to find function names: as many as the maps, the newest. */
  private static final int MAX_GENERATED = 256;
  /** A generated source longer than this is not kept: its functions keep their generated names. */
  private static final int MAX_GENERATED_CHARS = 16 << 20;

  private final SourceMaps maps = new SourceMaps(SourceMaps.DEFAULT_CAPACITY);
  private final Map<String, String> generated = Collections.synchronizedMap(new Newest<>(MAX_GENERATED));
  private final Map<String, String> generatedOf = Collections.synchronizedMap(new Newest<>(4 * MAX_GENERATED));

  /** Keeps at most {@code max} entries, dropping the least recently used. */
  private static final class Newest<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final int max;

    Newest(int max) {
      super(16, 0.75f, true);
      this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
      return size() > max;
    }
  }

  /** Registers a script or module; true when it has a map (explicit or by its comment). */
  boolean register(String file, String source, @Nullable String explicitMapJson, MapFetcher fetcher) {
    maps.register(file, source, explicitMapJson, fetcher);
    if (maps.has(file)) {
      if (source.length() <= MAX_GENERATED_CHARS) {
        generated.put(file, source);
      }
      return true;
    }
    generated.remove(file);
    return false;
  }

  boolean isEmpty() {
    return maps.isEmpty();
  }

  @Override
  public PositionMapper.@Nullable Original original(String file, int line, int column) {
    return remembered(file, maps.map(file, line, column));
  }

  @Override
  public PositionMapper.@Nullable Original lineOrigin(String file, int line) {
    return remembered(file, maps.lineOrigin(file, line));
  }

  @Override
  public boolean maps(String file) {
    return maps.usable(file);
  }

  private PositionMapper.@Nullable Original remembered(String file, @Nullable OriginalPosition p) {
    if (p == null) {
      return null;
    }
    generatedOf.put(p.source(), file);
    return new PositionMapper.Original(p.source(), p.line(), p.column(), p.name());
  }

  /**
   * The original name of the function QuickJS says is defined at (line, column): for a
   * {@code function} declaration or expression QuickJS points at the keyword, for a method at its
   * name. The name's own position is found in the generated line and looked up there; an arrow
   * function, which has no name of its own, keeps its generated one.
   */
  @Override
  public @Nullable String functionName(String file, int line, int column) {
    String source = generated.get(file);
    if (source == null || line < 1 || column < 1) {
      return null;
    }
    String text = lineOf(source, line);
    if (text == null) {
      return null;
    }
    int at = text.offsetByCodePoints(0, Math.min(column - 1, text.codePointCount(0, text.length())));
    int name = at;
    for (String keyword : new String[] {"async ", "function", "*"}) {
      if (text.startsWith(keyword, name)) {
        name += keyword.length();
        while (name < text.length() && (text.charAt(name) == ' ' || text.charAt(name) == '*')) {
          name++;
        }
      }
    }
    if (name >= text.length() || !Character.isJavaIdentifierStart(text.charAt(name))) {
      return null;
    }
    int after = name;
    while (after < text.length() && Character.isJavaIdentifierPart(text.charAt(after))) {
      after++;
    }
    while (after < text.length() && text.charAt(after) == ' ') {
      after++;
    }
    if (after >= text.length() || text.charAt(after) != '(') {
      return null; // not a function's or method's name (an arrow's parameter, say)
    }
    OriginalPosition p = maps.map(file, line, text.codePointCount(0, name) + 1);
    return p == null ? null : p.name();
  }

  private static @Nullable String lineOf(String source, int line) {
    int start = 0;
    for (int l = 1; l < line; l++) {
      int nl = source.indexOf('\n', start);
      if (nl < 0) {
        return null;
      }
      start = nl + 1;
    }
    int end = source.indexOf('\n', start);
    return source.substring(start, end < 0 ? source.length() : end);
  }

  @Override
  public @Nullable String originalText(String originalFile) {
    String file = generatedOf.get(originalFile);
    return file == null ? null : maps.originalSource(file, originalFile);
  }

  @Override
  public @Nullable String originalLine(String originalFile, int line) {
    String file = generatedOf.get(originalFile);
    return file == null ? null : maps.originalSourceLine(file, originalFile, line);
  }
}
