package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Garbage, huge and hostile maps: each is refused with an {@link InvalidSourceMapException}
 * saying what was wrong (never another exception, never running out of memory on a small
 * input), and lookups far outside a valid map find nothing.
 */
class HostileSourceMapsTest {
  private static String regular(String mappings) {
    return "{\"version\":3,\"sources\":[\"a.ts\"],\"names\":[\"n\"],\"mappings\":\"" + mappings + "\"}";
  }

  /** Reads and looks up (the mappings are decoded on the first lookup), expecting a refusal. */
  private static void assertRefused(String json, String why) {
    InvalidSourceMapException e = assertThrows(InvalidSourceMapException.class, () -> {
      SourceMap m = SourceMapJson.read(json, "x.js.map");
      m.lookup(0, 0);
    });
    assertTrue(e.getMessage().contains(why), "expected '" + why + "' in: " + e.getMessage());
  }

  /** One value in Base64 VLQ, as compilers write it. */
  static String vlq(long value) {
    String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    long v = value < 0 ? ((-value) << 1) | 1 : value << 1;
    StringBuilder out = new StringBuilder();
    do {
      int digit = (int) (v & 31);
      v >>>= 5;
      if (v > 0) {
        digit |= 32;
      }
      out.append(digits.charAt(digit));
    } while (v > 0);
    return out.toString();
  }

  @Test
  void truncatedAndMalformedVlqIsRefusedWithItsPlace() {
    assertRefused(regular("AAAAg"), "cut off");
    assertRefused(regular("AAAA,AA*A"), "'*' is not a Base64 digit");
    assertRefused(regular("AAAA;é"), "not a Base64 digit");
    assertRefused(regular("AA"), "2 fields");
    assertRefused(regular("AAA"), "3 fields");
    assertRefused(regular("AAAAAA"), "more than 5 fields");
  }

  @Test
  void hugeNumbersAndNegativeResultsAreRefused() {
    assertRefused(regular("ggggggggggggggggB"), "longer than 32 bits");
    assertRefused(regular(vlq(1L << 31) + "AAA"), "exceeds 2^31-1");
    assertRefused(regular("AAAA," + vlq(Integer.MAX_VALUE) + "AAA," + vlq(Integer.MAX_VALUE) + "AAA"),
        "generated column exceeds");
    assertRefused(regular("AAAD"), "original column becomes negative");
    assertRefused(regular("AADA"), "original line becomes negative");
    assertRefused(regular("D"), "generated column becomes negative");
    assertRefused(regular("AAAAB"), "name index becomes negative");
    assertRefused(regular("B"), "generated column becomes negative"); // "-0" is -2^31
  }

  @Test
  void indicesOutOfRangeAreRefused() {
    assertRefused(regular("ACAA"), "source index 1 is out of range: the map has 1 sources");
    assertRefused(regular("AAAAC"), "name index 1 is out of range: the map has 1 names");
    assertRefused("{\"version\":3,\"sources\":[\"a\"],\"ignoreList\":[3],\"mappings\":\"\"}",
        "ignoreList");
  }

  @Test
  void tenMegabytesOfGarbageMappingsAreRefusedQuickly() {
    Random random = new Random(26);
    StringBuilder garbage = new StringBuilder(10 << 20);
    String alphabet = "AZaz09+/,;gG*-_~ #\\é";
    while (garbage.length() < 10 << 20) {
      garbage.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    String json = regular(garbage.toString().replace("\\", "\\\\"));
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertRefused(json, "invalid mappings"));
    // ten megabytes of continuation digits: one endless number
    assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertRefused(regular("g".repeat(10 << 20)), "longer than 32 bits"));
  }

  @Test
  void tenMegabytesOfValidMappingsDecodeWithinBoundedMemory() throws Exception {
    // the smallest segments there are: 10 M characters of "A," and ";" (5 M segments)
    SourceMap lines = SourceMapJson.read(regular(";".repeat(10 << 20)), "x.js.map");
    assertNull(lines.lookup(10 << 20, 0));
    SourceMap segments = SourceMapJson.read(regular("AAAA," + "C,".repeat(5 << 20)), "x.js.map");
    assertEquals(1, segments.lookup(0, 0).line());
    assertNull(segments.lookup(0, 5 << 20), "the last segment has one field: it maps to nothing");
  }

  @Test
  void badJsonAndWrongShapesAreRefused() {
    assertRefused("", "not a JSON object");
    assertRefused("{", "not valid JSON");
    assertRefused("[3]", "not a JSON object");
    assertRefused("{\"version\":3,\"sources\":[],\"mappings\":\"\"} trailing", "not valid JSON");
    assertRefused("{\"version\":3,\"version\":3,\"sources\":[],\"mappings\":\"\"}", "not valid JSON");
    assertRefused("[".repeat(100_000) + "]".repeat(100_000), "not valid JSON");
    assertRefused("{\"sources\":[],\"mappings\":\"\"}", "no version");
    assertRefused("{\"version\":2,\"sources\":[],\"mappings\":\"\"}", "version 2");
    assertRefused("{\"version\":\"3\",\"sources\":[],\"mappings\":\"\"}", "only version 3");
    assertRefused("{\"version\":3e400,\"sources\":[],\"mappings\":\"\"}", "only version 3");
    assertRefused("{\"version\":3,\"mappings\":\"\"}", "no sources array");
    assertRefused("{\"version\":3,\"sources\":[1],\"mappings\":\"\"}", "sources[0] is not a string");
    assertRefused("{\"version\":3,\"sources\":[],\"names\":[null],\"mappings\":\"\"}", "names[0]");
    assertRefused("{\"version\":3,\"sources\":[]}", "no mappings string");
    assertRefused("{\"version\":3,\"sources\":[],\"mappings\":7}", "no mappings string");
    assertRefused("{\"version\":3,\"sources\":[\"a\"],\"sourcesContent\":[4],\"mappings\":\"\"}",
        "sourcesContent[0]");
    assertRefused("{\"version\":3,\"file\":[],\"sources\":[],\"mappings\":\"\"}", "file is not a string");
  }

  @Test
  void badIndexMapsAreRefused() {
    String ok = "{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"AAAA\"}";
    assertRefused("{\"version\":3,\"sections\":["
        + "{\"offset\":{\"line\":5,\"column\":0},\"map\":" + ok + "},"
        + "{\"offset\":{\"line\":2,\"column\":0},\"map\":" + ok + "}]}", "sorted and must not overlap");
    assertRefused("{\"version\":3,\"sections\":["
        + "{\"offset\":{\"line\":1,\"column\":4},\"map\":" + ok + "},"
        + "{\"offset\":{\"line\":1,\"column\":4},\"map\":" + ok + "}]}", "must not overlap");
    assertRefused("{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},\"map\":"
        + "{\"version\":3,\"sections\":[]}}]}", "must not nest");
    assertRefused("{\"version\":3,\"sections\":[{\"offset\":{\"line\":-1,\"column\":0},\"map\":" + ok
        + "}]}", "offset's line");
    assertRefused("{\"version\":3,\"sections\":[{\"offset\":{\"line\":1099511627776,\"column\":0},"
        + "\"map\":" + ok + "}]}", "offset's line");
    assertRefused("{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},"
        + "\"url\":\"other.map\"}]}", "by url");
    assertRefused("{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0}}]}", "no map");
    assertRefused("{\"version\":3,\"sections\":{}}", "not an array");
    assertRefused("{\"version\":3,\"sections\":[],\"mappings\":\"\"}", "both sections and mappings");
    assertRefused("{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},\"map\":"
        + "{\"version\":4,\"sources\":[],\"mappings\":\"\"}}]}", "version 4");
  }

  @Test
  void lookupsFarOutsideAValidMapFindNothing() throws Exception {
    SourceMap m = SourceMapJson.read(regular("AAAA"), "x.js.map");
    assertNull(m.lookup(Integer.MAX_VALUE, 0));
    assertNull(m.lookup(1, Integer.MAX_VALUE));
    assertNull(m.lookup(-5, -5));
    assertEquals(1, m.lookup(0, Integer.MAX_VALUE).line());
    SourceMaps maps = new SourceMaps(4);
    maps.register("x.js", "x();", regular("AAAA"), MapFetcher.NONE);
    assertNull(maps.map("x.js", Integer.MAX_VALUE, Integer.MAX_VALUE));
    assertNull(maps.map("x.js", 0, 0));
    assertNull(maps.map("x.js", Integer.MIN_VALUE, Integer.MIN_VALUE));
    assertEquals(1, maps.map("x.js", 1, Integer.MAX_VALUE).line());
  }
}
