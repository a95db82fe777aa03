package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.sourcemap.CompilerFixtures.Place;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder and the registry against what real compilers write: tsc (one file, external and
 * inline maps) and esbuild (a bundle of four sources as esm, iife and minified). Each throw of
 * our TypeScript is found by its message in the generated code, looked up with the column
 * QuickJS would report, and must lead back to the right .ts file, line and column.
 */
class CompilerOutputMappingTest {
  private static final Path SINGLE = CompilerFixtures.sources().resolve("single/thrower.ts");
  private static final Path BUNDLE = CompilerFixtures.sources().resolve("bundle");

  private static final String[] TSC_MARKERS = {
    "tsc-sync-failure", "tsc-async-failure", "tsc-method-failure", "tsc-astral-failure"
  };

  private static final String[][] BUNDLE_MARKERS = {
    {"bundle-sync-failure", "prices.ts"},
    {"bundle-async-failure", "main.ts"},
    {"bundle-method-failure", "inventory.ts"},
    {"bundle-astral-failure", "text.ts"},
  };

  @Test
  void tscExternalMapLeadsEveryThrowBackToItsTypeScriptLine() {
    Path generated = CompilerFixtures.dir().resolve("tsc-external/thrower.js");
    List<String> fetched = new ArrayList<>();
    SourceMaps maps = new SourceMaps(8);
    String file = generated.toString();
    maps.register(file, CompilerFixtures.read(generated), null, url -> {
      fetched.add(url);
      Path p = generated.resolveSibling(url);
      return Files.isRegularFile(p) ? Files.readString(p) : null;
    });
    assertTrue(fetched.isEmpty(), "the map was fetched before any lookup");
    for (String marker : TSC_MARKERS) {
      assertMapsBack(maps, file, CompilerFixtures.read(generated), marker, SINGLE);
    }
    assertEquals(List.of("thrower.js.map"), fetched, "the map is fetched once, by the comment's URL");
    OriginalPosition p = maps.map(file, CompilerFixtures.throwOf(
        CompilerFixtures.read(generated), TSC_MARKERS[0]).line(), 9);
    assertNotNull(p);
    assertEquals(SINGLE.toString(), p.source(), "sources resolve against the map's own location");
  }

  @Test
  void tscInlineMapLeadsBackAndCarriesTheOriginalText() {
    Path generated = CompilerFixtures.dir().resolve("tsc-inline/thrower.js");
    String code = CompilerFixtures.read(generated);
    assertTrue(SourceMappingUrl.isData(SourceMappingUrl.find(code)), "tsc wrote no data: URL");
    SourceMaps maps = new SourceMaps(8);
    maps.register(generated.toString(), code, null, url -> {
      throw new AssertionError("an inline map was fetched: " + url);
    });
    for (String marker : TSC_MARKERS) {
      OriginalPosition p = assertMapsBack(maps, generated.toString(), code, marker, SINGLE);
      String originalLine = maps.originalSourceLine(generated.toString(), p.source(), p.line());
      assertNotNull(originalLine, "no sourcesContent for " + p.source());
      assertTrue(originalLine.contains(marker), originalLine);
    }
  }

  @Test
  void esbuildBundlesLeadEachThrowBackToItsOwnSource() {
    for (String variant : new String[] {"esbuild-esm", "esbuild-iife", "esbuild-min"}) {
      Path generated = CompilerFixtures.dir().resolve(variant + "/bundle.js");
      String code = CompilerFixtures.read(generated);
      SourceMaps maps = new SourceMaps(8);
      maps.register(variant + "/bundle.js", code, null,
          url -> Files.readString(generated.resolveSibling(url)));
      for (String[] marker : BUNDLE_MARKERS) {
        assertMapsBack(maps, variant + "/bundle.js", code, marker[0], BUNDLE.resolve(marker[1]));
      }
    }
  }

  @Test
  void theMinifiedBundleMapsShortNamesBackToTheOriginalOnes() throws Exception {
    Path generated = CompilerFixtures.dir().resolve("esbuild-min/bundle.js");
    String code = CompilerFixtures.read(generated);
    SourceMap map = SourceMapJson.read(
        Files.readString(generated.resolveSibling("bundle.js.map")), "esbuild-min/bundle.js.map");
    // the minifier renamed parsePrice and its local "value"; the map's names give them back
    String[][] renamed = {{"parsePrice", "function "}, {"banner", "function "}};
    int found = 0;
    for (String[] r : renamed) {
      String originalName = r[0];
      int at = code.indexOf(r[1]);
      while (at >= 0) {
        Place p = CompilerFixtures.placeOf(code, at + r[1].length());
        OriginalPosition o = map.lookup(p.line() - 1, p.utf16Column());
        if (o != null && originalName.equals(o.name())) {
          found++;
          String minified = code.substring(at + r[1].length(), code.indexOf('(', at));
          assertNotEquals(originalName, minified, "esbuild did not minify " + originalName);
          break;
        }
        at = code.indexOf(r[1], at + 1);
      }
    }
    assertEquals(renamed.length, found, "not every renamed function maps back to its name");
  }

  @Test
  void anAstralCharacterBeforeTheThrowNeedsTheCodePointToUtf16Conversion() throws Exception {
    Path generated = CompilerFixtures.dir().resolve("esbuild-min/bundle.js");
    String code = CompilerFixtures.read(generated);
    Place p = CompilerFixtures.throwOf(code, "bundle-astral-failure");
    assertEquals(p.quickJsColumn(), p.utf16Column(),
        "one emoji before the throw: its 0-based UTF-16 column is its 1-based code-point column");
    SourceMap map = SourceMapJson.read(
        Files.readString(generated.resolveSibling("bundle.js.map")), "esbuild-min/bundle.js.map");
    Place original = CompilerFixtures.throwOf(
        CompilerFixtures.read(BUNDLE.resolve("text.ts")), "bundle-astral-failure");
    OriginalPosition right = map.lookup(p.line() - 1, p.utf16Column());
    OriginalPosition naive = map.lookup(p.line() - 1, p.quickJsColumn() - 1);
    assertNotNull(right);
    assertEquals(original.utf16Column() + 1, right.column());
    assertNotEquals(right, naive, "taking QuickJS's column as UTF-16 would land on the throw too");
  }

  /** Looks the marker's throw up as QuickJS would report it and checks the original place. */
  private static OriginalPosition assertMapsBack(
      SourceMaps maps, String file, String code, String marker, Path original) {
    Place generated = CompilerFixtures.throwOf(code, marker);
    OriginalPosition p = maps.map(file, generated.line(), generated.quickJsColumn());
    assertNotNull(p, marker + " at " + generated + " in " + file + " maps to nothing");
    Place expected = CompilerFixtures.throwOf(CompilerFixtures.read(original), marker);
    String expectedTail = "src/test/sourcemaps/"
        + CompilerFixtures.sources().relativize(original).toString().replace('\\', '/');
    assertTrue(p.source().endsWith(expectedTail) && !p.source().contains("/./"),
        marker + ": source " + p.source() + " is not " + expectedTail);
    assertEquals(expected.line(), p.line(), marker + ": original line in " + file);
    assertEquals(expected.utf16Column() + 1, p.column(), marker + ": original column in " + file);
    return p;
  }
}
