package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-engine registry: lazy fetching, one warning per broken map, replacement and eviction,
 * inline and explicit maps, original source lines, concurrent first lookups.
 */
class SourceMapsRegistryTest {
  private static final String MAP = "{\"version\":3,\"sources\":[\"src/a.ts\"],\"names\":[\"go\"],"
      + "\"sourcesContent\":[\"line one\\r\\nline two\\nline three\"],\"mappings\":\"AAAA;EACEA\"}";

  private final List<LogRecord> warnings = new ArrayList<>();
  private final Logger logger = Logger.getLogger("dev.qjs.sourcemap");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (warnings) {
            warnings.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    logger.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    logger.removeHandler(capture);
  }

  private List<String> warningTexts() {
    synchronized (warnings) {
      List<String> texts = new ArrayList<>();
      for (LogRecord r : warnings) {
        assertEquals(Level.WARNING, r.getLevel());
        texts.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
      }
      return texts;
    }
  }

  @Test
  void nothingIsFetchedUntilTheFirstLookupAndThenOnlyOnce() {
    AtomicInteger fetches = new AtomicInteger();
    SourceMaps maps = new SourceMaps(8);
    maps.register("dist/app.js", "go();\n//# sourceMappingURL=app.js.map\n", null, url -> {
      fetches.incrementAndGet();
      assertEquals("app.js.map", url);
      return MAP;
    });
    assertFalse(maps.isEmpty());
    assertEquals(0, fetches.get(), "registering fetched the map");
    OriginalPosition p = maps.map("dist/app.js", 2, 3);
    assertEquals(new OriginalPosition("dist/src/a.ts", 2, 3, "go", false), p);
    assertNull(maps.map("dist/app.js", 2, 1), "before the line's first segment");
    assertNull(maps.map("other.js", 1, 1));
    assertEquals(1, fetches.get());
    assertEquals("line two", maps.originalSourceLine("dist/app.js", "dist/src/a.ts", 2));
    assertEquals("line one", maps.originalSourceLine("dist/app.js", "dist/src/a.ts", 1));
    assertEquals("line three", maps.originalSourceLine("dist/app.js", "dist/src/a.ts", 3));
    assertNull(maps.originalSourceLine("dist/app.js", "dist/src/a.ts", 4));
    assertNull(maps.originalSourceLine("dist/app.js", "dist/src/a.ts", 0));
    assertNull(maps.originalSourceLine("dist/app.js", "src/a.ts", 1));
    assertTrue(warningTexts().isEmpty(), warningTexts().toString());
  }

  /** One section of an index map: its offset and a regular map of one source. */
  private static String section(int line, int column, String source, String mappings) {
    return "{\"offset\":{\"line\":" + line + ",\"column\":" + column + "},\"map\":{\"version\":3,"
        + "\"sources\":[\"" + source + "\"],\"names\":[],\"mappings\":\"" + mappings + "\"}}";
  }

  @Test
  void aLinesOriginIsItsFirstMappedSegmentInWhicheverSectionOfAnIndexMapHasIt() {
    String map = "{\"version\":3,\"sections\":["
        + section(0, 0, "a.ts", "A,IAEA") // line 1: unmapped code, then a.ts line 3 at column 4
        + "," + section(1, 0, "b.ts", ";AACA") // line 2 maps nothing, line 3 is b.ts line 2
        + "," + section(3, 5, "c.ts", "AAAA") // line 4 from column 5 is c.ts line 1
        + "]}";
    SourceMaps maps = new SourceMaps(8);
    maps.register("idx.js", "a;\nb;\nc;\nd;     e;\n", map, MapFetcher.NONE);
    assertTrue(maps.usable("idx.js"));
    assertEquals(new OriginalPosition("a.ts", 3, 1, null, false), maps.lineOrigin("idx.js", 1));
    assertNull(maps.lineOrigin("idx.js", 2), "a line with no segment does not borrow another's");
    assertEquals(new OriginalPosition("b.ts", 2, 1, null, false), maps.lineOrigin("idx.js", 3));
    assertEquals(new OriginalPosition("c.ts", 1, 1, null, false), maps.lineOrigin("idx.js", 4));
    assertNull(maps.lineOrigin("idx.js", 0));
    assertNull(maps.lineOrigin("idx.js", 99));
    assertNull(maps.lineOrigin("other.js", 1));
    assertFalse(maps.usable("other.js"));
  }

  @Test
  void aLinesOriginInMalformedMappingsIsNothingAndTheFileWarnsOnce() {
    String map = "{\"version\":3,\"sources\":[\"a.ts\"],\"names\":[],\"mappings\":\"AAAA;!!\"}";
    SourceMaps maps = new SourceMaps(8);
    maps.register("bad.js", "a;\nb;\n", map, MapFetcher.NONE);
    assertNull(maps.lineOrigin("bad.js", 1));
    assertNull(maps.lineOrigin("bad.js", 2));
    assertFalse(maps.usable("bad.js"), "a map whose mappings failed maps nothing from then on");
    assertEquals(1, warningTexts().size(), warningTexts().toString());
  }

  @Test
  void aSourceWithNeitherMapNorCommentRegistersNothing() {
    SourceMaps maps = new SourceMaps(8);
    maps.register("plain.js", "x();\n", null, url -> {
      throw new AssertionError("fetched " + url);
    });
    assertTrue(maps.isEmpty());
    assertNull(maps.map("plain.js", 1, 1));
  }

  @Test
  void explicitAndInlineMapsNeedNoFetcher() {
    SourceMaps maps = new SourceMaps(8);
    maps.register("explicit.js", "go();\n//# sourceMappingURL=ignored.map", MAP, url -> {
      throw new AssertionError("fetched " + url);
    });
    assertEquals("src/a.ts", maps.map("explicit.js", 1, 1).source());
    String inline = "go();\n//# sourceMappingURL=data:application/json;base64,"
        + Base64.getEncoder().encodeToString(MAP.getBytes(StandardCharsets.UTF_8));
    maps.register("lib/inline.js", inline, null, MapFetcher.NONE);
    assertEquals("lib/src/a.ts", maps.map("lib/inline.js", 1, 1).source());
  }

  @Test
  void aBrokenOrMissingMapWarnsOnceWithTheReasonAndMapsNothing() {
    SourceMaps maps = new SourceMaps(8);
    maps.register("bad.js", "x();\n//# sourceMappingURL=bad.js.map", null, url -> "{\"version\":2}");
    maps.register("gone.js", "x();\n//# sourceMappingURL=gone.js.map", null, url -> null);
    maps.register("io.js", "x();\n//# sourceMappingURL=io.js.map", null, url -> {
      throw new IOException("disk on fire");
    });
    maps.register("npe.js", "x();\n//# sourceMappingURL=npe.js.map", null, url -> {
      throw new IllegalStateException("fetcher bug");
    });
    maps.register("b64.js", "x();\n//# sourceMappingURL=data:application/json;base64,!!!!", null,
        MapFetcher.NONE);
    maps.register("vlq.js", "x();", "{\"version\":3,\"sources\":[],\"mappings\":\"AC\"}",
        MapFetcher.NONE);
    for (int i = 0; i < 5; i++) {
      for (String f : new String[] {"bad.js", "gone.js", "io.js", "npe.js", "b64.js", "vlq.js"}) {
        assertNull(maps.map(f, 1, 1), f);
      }
    }
    List<String> texts = warningTexts();
    assertEquals(6, texts.size(), texts.toString());
    assertTrue(texts.get(0).contains("bad.js") && texts.get(0).contains("version 2"), texts.get(0));
    assertTrue(texts.get(1).contains("gone.js.map") && texts.get(1).contains("not found"),
        texts.get(1));
    assertTrue(texts.get(2).contains("disk on fire"), texts.get(2));
    assertTrue(texts.get(3).contains("fetcher bug"), texts.get(3));
    assertTrue(texts.get(4).contains("base64"), texts.get(4));
    assertTrue(texts.get(5).contains("vlq.js") && texts.get(5).contains("mappings"), texts.get(5));
    for (String t : texts) {
      assertFalse(t.contains("internal error"), t);
    }
  }

  @Test
  void aScriptEvaluatedAgainWithTheSameBrokenMapWarnsOnlyOnce() {
    SourceMaps maps = new SourceMaps(8);
    for (int i = 0; i < 3; i++) {
      maps.register("again.js", "x();\n//# sourceMappingURL=again.js.map", null, url -> null);
      assertNull(maps.map("again.js", 1, 1));
    }
    maps.register("again.js", "x();", "{\"version\":9}", MapFetcher.NONE);
    assertNull(maps.map("again.js", 1, 1));
    List<String> texts = warningTexts();
    assertEquals(2, texts.size(), "once per file and reason: " + texts);
    assertTrue(texts.get(1).contains("version 9"), texts.get(1));
  }

  @Test
  void registeringAFileAgainReplacesItsMap() {
    SourceMaps maps = new SourceMaps(8);
    maps.register("app.js", "x();", MAP, MapFetcher.NONE);
    assertEquals(1, maps.map("app.js", 1, 1).line());
    maps.register("app.js", "x();",
        "{\"version\":3,\"sources\":[\"new.ts\"],\"mappings\":\"AAUA\"}", MapFetcher.NONE);
    assertEquals(new OriginalPosition("new.ts", 11, 1, null, false), maps.map("app.js", 1, 1));
    maps.register("app.js", "x(); // no map any more", null, MapFetcher.NONE);
    assertNull(maps.map("app.js", 1, 1));
    assertTrue(maps.isEmpty());
  }

  @Test
  void pastItsCapacityTheOldestRegistrationIsDropped() {
    SourceMaps maps = new SourceMaps(3);
    for (int i = 0; i < 10; i++) {
      maps.register("f" + i + ".js", "x();", MAP, MapFetcher.NONE);
    }
    assertEquals(3, maps.size());
    assertNull(maps.map("f6.js", 1, 1));
    assertNotNull(maps.map("f7.js", 1, 1));
    assertNotNull(maps.map("f9.js", 1, 1));
    maps.register("f7.js", "x();", MAP, MapFetcher.NONE); // now the newest
    maps.register("f10.js", "x();", MAP, MapFetcher.NONE);
    assertNull(maps.map("f8.js", 1, 1));
    assertNotNull(maps.map("f7.js", 1, 1));
  }

  @Test
  void concurrentFirstLookupsFetchOnceAndAllAgree() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    SourceMaps maps = new SourceMaps(8);
    StringBuilder mappings = new StringBuilder("AAAA");
    for (int i = 1; i < 20_000; i++) {
      mappings.append(";AACA");
    }
    String big = "{\"version\":3,\"sources\":[\"a.ts\"],\"mappings\":\"" + mappings + "\"}";
    maps.register("big.js", "x();\n//# sourceMappingURL=big.js.map", null, url -> {
      fetches.incrementAndGet();
      return big;
    });
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          int sum = 0;
          for (int line = 1 + thread; line <= 20_000; line += 97) {
            sum += maps.map("big.js", line, 1).line() - line;
          }
          return sum;
        }));
      }
      for (Future<Integer> r : results) {
        assertEquals(0, r.get(30, TimeUnit.SECONDS), "generated line n maps to original line n");
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, fetches.get());
  }
}
