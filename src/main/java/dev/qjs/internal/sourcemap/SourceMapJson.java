package dev.qjs.internal.sourcemap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads a source map's JSON (ECMA-426) into a {@link SourceMap}, checking every field it uses:
 * {@code version} 3; {@code sources} strings or nulls, resolved against {@code sourceRoot} and
 * the map's location; {@code sourcesContent}; {@code names}; {@code mappings} (kept as text and
 * decoded on the first lookup); {@code ignoreList} (or the older {@code x_google_ignoreList});
 * an index map's {@code sections}, each an {@code offset} and a regular {@code map}, sorted by
 * offset (nested index maps are invalid). Jackson is an optional dependency of the library:
 * without it this class does not link, and {@link SourceMaps} says so once instead of mapping.
 *
 * <pre>{@code
 * SourceMap map = SourceMapJson.read(Files.readString(mapFile), "dist/app.js.map");
 * }</pre>
 */
final class SourceMapJson {
  /**
   * Maps of large bundles carry megabytes of {@code mappings} and {@code sourcesContent}, over
   * Jackson's default 20 M characters per string; the text is in memory already anyway.
   */
  private static final int MAX_STRING = 1 << 28;

  private static final ObjectMapper JSON =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxStringLength(MAX_STRING)
                          .maxNestingDepth(64)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private SourceMapJson() {}

  /**
   * Parses a map.
   *
   * @param json the map's text (an XSSI guard line {@code )]}'} in front is skipped, as the
   *     spec allows)
   * @param location where the map is (its URL or path, or the generated file's for an inline or
   *     explicit map): relative sources resolve against it
   */
  static SourceMap read(String json, String location) throws InvalidSourceMapException {
    String text = json;
    if (text.startsWith(")]}'")) {
      int newline = text.indexOf('\n');
      text = newline < 0 ? "" : text.substring(newline + 1);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidSourceMapException(
          "the source map is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSourceMapException("the source map is not a JSON object");
    }
    checkVersion(root, "the source map");
    String file = optionalString(root, "file", "the source map");
    JsonNode sections = root.get("sections");
    if (sections == null) {
      SourceMap.Section one = section(root, location, "the source map");
      return new SourceMap(file, new int[] {0}, new int[] {0}, new SourceMap.Section[] {one});
    }
    if (root.has("mappings")) {
      throw new InvalidSourceMapException(
          "the source map has both sections and mappings; an index map has sections only");
    }
    if (!sections.isArray()) {
      throw new InvalidSourceMapException("the index map's sections is not an array");
    }
    int n = sections.size();
    int[] lines = new int[n];
    int[] columns = new int[n];
    SourceMap.Section[] data = new SourceMap.Section[n];
    for (int i = 0; i < n; i++) {
      String where = "section " + i + " of the index map";
      JsonNode s = sections.get(i);
      if (!s.isObject()) {
        throw new InvalidSourceMapException(where + " is not an object");
      }
      JsonNode offset = s.get("offset");
      if (offset == null || !offset.isObject()) {
        throw new InvalidSourceMapException(where + " has no offset object");
      }
      lines[i] = nonNegativeInt(offset, "line", where + "'s offset");
      columns[i] = nonNegativeInt(offset, "column", where + "'s offset");
      if (i > 0
          && (lines[i] < lines[i - 1] || (lines[i] == lines[i - 1] && columns[i] <= columns[i - 1]))) {
        throw new InvalidSourceMapException(
            where + " starts at " + lines[i] + ":" + columns[i] + ", not after section " + (i - 1)
                + " at " + lines[i - 1] + ":" + columns[i - 1]
                + ": sections must be sorted and must not overlap");
      }
      if (s.has("url")) {
        throw new InvalidSourceMapException(
            where + " refers to its map by url, which ECMA-426 does not support");
      }
      JsonNode map = s.get("map");
      if (map == null || !map.isObject()) {
        throw new InvalidSourceMapException(where + " has no map object");
      }
      if (map.has("sections")) {
        throw new InvalidSourceMapException(
            where + " is an index map itself; index maps must not nest");
      }
      checkVersion(map, where + "'s map");
      data[i] = section(map, location, where + "'s map");
    }
    return new SourceMap(file, lines, columns, data);
  }

  /** A regular map (or an index map's section) read and checked. */
  private static SourceMap.Section section(JsonNode map, String location, String where)
      throws InvalidSourceMapException {
    String root = optionalString(map, "sourceRoot", where);
    JsonNode sourcesNode = map.get("sources");
    if (sourcesNode == null || !sourcesNode.isArray()) {
      throw new InvalidSourceMapException(where + " has no sources array");
    }
    int count = sourcesNode.size();
    @Nullable String[] sources = new String[count];
    for (int i = 0; i < count; i++) {
      JsonNode s = sourcesNode.get(i);
      if (s.isNull()) {
        continue;
      }
      if (!s.isTextual()) {
        throw new InvalidSourceMapException(where + "'s sources[" + i + "] is not a string or null");
      }
      sources[i] = SourceLocations.resolve(
          SourceLocations.withRoot(root == null ? "" : root, s.textValue()), location);
    }
    @Nullable String[] contents = new String[count];
    JsonNode contentNode = map.get("sourcesContent");
    if (contentNode != null && !contentNode.isNull()) {
      if (!contentNode.isArray()) {
        throw new InvalidSourceMapException(where + "'s sourcesContent is not an array");
      }
      // entries past the sources are ignored, missing ones are null (as the spec says)
      for (int i = 0; i < Math.min(count, contentNode.size()); i++) {
        JsonNode c = contentNode.get(i);
        if (c.isTextual()) {
          contents[i] = c.textValue();
        } else if (!c.isNull()) {
          throw new InvalidSourceMapException(
              where + "'s sourcesContent[" + i + "] is not a string or null");
        }
      }
    }
    boolean[] ignored = new boolean[count];
    JsonNode ignore = map.has("ignoreList") ? map.get("ignoreList") : map.get("x_google_ignoreList");
    if (ignore != null && !ignore.isNull()) {
      if (!ignore.isArray()) {
        throw new InvalidSourceMapException(where + "'s ignoreList is not an array");
      }
      for (JsonNode index : ignore) {
        if (!index.canConvertToInt() || !index.isIntegralNumber()
            || index.intValue() < 0 || index.intValue() >= count) {
          throw new InvalidSourceMapException(
              where + "'s ignoreList holds " + index + ", not an index into its " + count
                  + " sources");
        }
        ignored[index.intValue()] = true;
      }
    }
    List<String> names = new ArrayList<>();
    JsonNode namesNode = map.get("names");
    if (namesNode != null && !namesNode.isNull()) {
      if (!namesNode.isArray()) {
        throw new InvalidSourceMapException(where + "'s names is not an array");
      }
      for (int i = 0; i < namesNode.size(); i++) {
        JsonNode name = namesNode.get(i);
        if (!name.isTextual()) {
          throw new InvalidSourceMapException(where + "'s names[" + i + "] is not a string");
        }
        names.add(name.textValue());
      }
    }
    JsonNode mappings = map.get("mappings");
    if (mappings == null || !mappings.isTextual()) {
      throw new InvalidSourceMapException(where + " has no mappings string");
    }
    return new SourceMap.Section(
        sources, contents, ignored, names.toArray(new String[0]), mappings.textValue());
  }

  private static void checkVersion(JsonNode map, String where) throws InvalidSourceMapException {
    JsonNode version = map.get("version");
    if (version == null) {
      throw new InvalidSourceMapException(where + " has no version; source maps are version 3");
    }
    if (!version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() != 3) {
      throw new InvalidSourceMapException(
          where + " is version " + version + "; only version 3 (ECMA-426) is supported");
    }
  }

  private static @Nullable String optionalString(JsonNode map, String field, String where)
      throws InvalidSourceMapException {
    JsonNode v = map.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidSourceMapException(where + "'s " + field + " is not a string");
    }
    return v.textValue();
  }

  private static int nonNegativeInt(JsonNode object, String field, String where)
      throws InvalidSourceMapException {
    JsonNode v = object.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
      throw new InvalidSourceMapException(
          where + "'s " + field + " is " + v + ", not an integer from 0 to 2^31-1");
    }
    return v.intValue();
  }
}
