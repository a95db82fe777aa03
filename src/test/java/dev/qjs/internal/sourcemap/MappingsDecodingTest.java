package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The format's rules on small hand-made maps: the relative encoding, 1/4/5-field segments,
 * lookup on a line only, unsorted segments, sources resolution, index maps, ignore lists.
 */
class MappingsDecodingTest {
  private static SourceMap map(String json) throws InvalidSourceMapException {
    return SourceMapJson.read(json, "dist/app.js.map");
  }

  @Test
  void segmentsDecodeWithRelativeValuesAcrossSegmentsAndLines() throws Exception {
    // line 0: col 0 -> a.ts 0:0 ; col 4 -> a.ts 0:4 name 0 ; line 1: col 2 -> b.ts 2:1 ; col 5 unmapped
    // deltas: AAAA = 0,0,0,0 ; IAAIA = +4,0,0,+4,0 ; EC EC = col 2, src +1, line +2, col -3 -> 1
    SourceMap m = map("{\"version\":3,\"sources\":[\"a.ts\",\"b.ts\"],\"names\":[\"run\"],"
        + "\"mappings\":\"AAAA,IAAIA;ECEH,G\"}");
    assertEquals(new OriginalPosition("dist/a.ts", 1, 1, null, false), m.lookup(0, 0));
    assertEquals(new OriginalPosition("dist/a.ts", 1, 1, null, false), m.lookup(0, 3));
    assertEquals(new OriginalPosition("dist/a.ts", 1, 5, "run", false), m.lookup(0, 4));
    assertEquals(new OriginalPosition("dist/a.ts", 1, 5, "run", false), m.lookup(0, 999));
    assertNull(m.lookup(1, 1), "before the line's first segment, earlier lines do not count");
    assertEquals(new OriginalPosition("dist/b.ts", 3, 2, null, false), m.lookup(1, 2));
    assertNull(m.lookup(1, 5), "a one-field segment maps to nothing");
    assertNull(m.lookup(2, 0));
    assertNull(m.lookup(Integer.MAX_VALUE, Integer.MAX_VALUE));
    assertNull(m.lookup(-1, 0));
  }

  @Test
  void segmentsOutOfOrderOnALineAreLookedUpByColumn() throws Exception {
    // col 10 -> 0:10, then col 2 (delta -8) -> 0:2 (delta -8)
    SourceMap m = map("{\"version\":3,\"sources\":[\"a.ts\"],\"mappings\":\"UAAU,RAAR\"}");
    assertEquals(3, m.lookup(0, 5).column());
    assertEquals(11, m.lookup(0, 10).column());
  }

  @Test
  void sourcesResolveAgainstSourceRootAndTheMapsLocation() throws Exception {
    String json = "{\"version\":3,\"sourceRoot\":\"src\",\"sources\":[\"x.ts\",\"../y.ts\",null],"
        + "\"mappings\":\"AAAA,CCAA,CCAA\"}";
    SourceMap m = SourceMapJson.read(json, "dist/js/app.js.map");
    assertEquals("dist/js/src/x.ts", m.lookup(0, 0).source());
    assertEquals("dist/js/y.ts", m.lookup(0, 1).source());
    assertNull(m.lookup(0, 2), "a null source is unknown: nothing to report");
    SourceMap url = SourceMapJson.read(json, "https://example.invalid/js/app.js.map");
    assertEquals("https://example.invalid/js/src/x.ts", url.lookup(0, 0).source());
    SourceMap file = SourceMapJson.read(json, "file:///srv/js/app.js.map");
    assertEquals("file:///srv/js/y.ts", file.lookup(0, 1).source());
    SourceMap windows = SourceMapJson.read(json, "C:\\app\\dist\\app.js.map");
    assertEquals("C:/app/dist/src/x.ts", windows.lookup(0, 0).source().replace('\\', '/'));
    SourceMap noRoot = SourceMapJson.read("{\"version\":3,\"sources\":[\"webpack://app/z.ts\","
        + "\"/abs/w.ts\",\"../../../../up.ts\"],\"mappings\":\"AAAA,CCAA,CCAA\"}", "dist/js/app.js.map");
    assertEquals("webpack://app/z.ts", noRoot.lookup(0, 0).source());
    assertEquals("/abs/w.ts", noRoot.lookup(0, 1).source());
    assertEquals("../../up.ts", noRoot.lookup(0, 2).source());
  }

  @Test
  void ignoreListAndItsOlderNameMarkSources() throws Exception {
    for (String key : new String[] {"ignoreList", "x_google_ignoreList"}) {
      SourceMap m = map("{\"version\":3,\"sources\":[\"app.ts\",\"vendor.js\"],\"" + key
          + "\":[1],\"mappings\":\"AAAA,CCAA\"}");
      assertFalse(m.lookup(0, 0).ignored());
      assertTrue(m.lookup(0, 1).ignored(), key);
    }
  }

  @Test
  void indexMapsLookUpInTheSectionCoveringThePosition() throws Exception {
    String section1 = "{\"version\":3,\"sources\":[\"one.ts\"],\"mappings\":\"AAAA;AACA\"}";
    String section2 = "{\"version\":3,\"sources\":[\"two.ts\"],\"names\":[\"f\"],\"mappings\":\"AAAAA\"}";
    SourceMap m = map("{\"version\":3,\"sections\":["
        + "{\"offset\":{\"line\":0,\"column\":0},\"map\":" + section1 + "},"
        + "{\"offset\":{\"line\":1,\"column\":10},\"map\":" + section2 + "}]}");
    assertEquals(2, m.sectionCount());
    assertEquals(new OriginalPosition("dist/one.ts", 1, 1, null, false), m.lookup(0, 7));
    assertEquals(new OriginalPosition("dist/one.ts", 2, 1, null, false), m.lookup(1, 9),
        "before the second section's start, the line belongs to the first");
    assertEquals(new OriginalPosition("dist/two.ts", 1, 1, "f", false), m.lookup(1, 10));
    assertEquals(new OriginalPosition("dist/two.ts", 1, 1, "f", false), m.lookup(1, 50));
    assertNull(m.lookup(2, 0), "the second section's map has one line");
  }

  @Test
  void theXssiGuardLineIsSkippedAndSourcesContentIsKept() throws Exception {
    SourceMap m = map(")]}'\n{\"version\":3,\"sources\":[\"a.ts\"],\"sourcesContent\":[\"let a = 1;\\nthrow a;\"],"
        + "\"mappings\":\"AAAA\"}");
    assertEquals("let a = 1;\nthrow a;", m.sourceContent("dist/a.ts"));
    assertNull(m.sourceContent("a.ts"), "contents are found by the resolved name lookups give");
  }

  @Test
  void theCodePointToUtf16ConversionOnlyTouchesLinesWithAstralCharacters() {
    String source = "plain();\nconst s = \"😀é😀\"; boom();\nafter();";
    GeneratedColumns columns = GeneratedColumns.of(source);
    assertEquals(1, columns.astralLineCount());
    assertEquals(4, columns.utf16Column(1, 5));
    assertEquals(4, columns.utf16Column(3, 5));
    String line2 = "const s = \"😀é😀\"; boom();";
    int boomCodePoints = line2.codePointCount(0, line2.indexOf("boom"));
    assertEquals(line2.indexOf("boom"), columns.utf16Column(2, boomCodePoints + 1));
    assertEquals(line2.indexOf("😀"), columns.utf16Column(2, line2.indexOf("😀") + 1),
        "the astral character's own column has no astral before it");
    assertEquals(0, columns.utf16Column(2, 0), "an unknown column (0) is the line's start");
    assertEquals(0, GeneratedColumns.of("a\nb").astralLineCount());
    assertEquals(0, GeneratedColumns.of("lone \ud83d surrogate\n").astralLineCount());
  }
}
