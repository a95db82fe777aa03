package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Strings and map keys cross exactly whatever path the codec takes for them: short names through
 * the decoded-names table, long strings in chunks (Latin-1 tried first, UTF-16 from the start
 * again at the first wider char), big ones through kept buffers and read arrays. Each size below
 * sits on one side of a threshold of that code (32 and 64 chars, 2,048, the 4,096-char chunk).
 */
class StringAndKeyCrossingTest {
  /** Lengths on both sides of every size threshold of the codec, and a few big ones. */
  private static final int[] LENGTHS = {
    0, 1, 31, 32, 33, 63, 64, 65, 2047, 2048, 2049, 4095, 4096, 4097, 8191, 8192, 8193, 12289,
    (1 << 20) + 3
  };

  /** Chars that take each path: Latin-1 extremes, a wide BMP char, lone and paired surrogates. */
  private static final String[] SPECIALS = {
    "\0", "\u00ff", "\u0100", "\u20ac", "\uD83D\uDE00", "\uD800", "\uDFFF", "\uDBFF\uDBFF"
  };

  private ScriptEngine engine;
  private Invocable invocable;

  @BeforeEach
  void setUp() throws Exception {
    engine = new ScriptEngineManager().getEngineByName("quickjs");
    invocable = (Invocable) engine;
    // what JavaScript sees, independently of the way back: length and a digest of the units
    engine.eval(
        "function digest(s) { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;"
            + " return s.length + ':' + h }\n"
            + "function echo(s) { return s }\n"
            + "function echo1(s) { return s }");
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private static String digest(String s) {
    int h = 0;
    for (int i = 0; i < s.length(); i++) {
      h = h * 31 + s.charAt(i);
    }
    return s.length() + ":" + h;
  }

  /** n chars of ASCII with special at index at (when it fits). */
  private static String withCharAt(int n, String special, int at) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + i % 26));
    }
    if (at >= 0 && at + special.length() <= n) {
      sb.replace(at, at + special.length(), special);
    }
    return sb.toString();
  }

  private void assertCrossesExactly(String s) throws Exception {
    String what = "a string of " + s.length() + " chars";
    assertEquals(digest(s), invocable.invokeFunction("digest", s), what + " as JavaScript sees it");
    // the request's string data lands on an even and on an odd address: both names are used
    assertEquals(s, invocable.invokeFunction("echo", s), what + " back from JavaScript");
    assertEquals(s, invocable.invokeFunction("echo1", s), what + " back from JavaScript");
  }

  @Nested
  class LongStrings {
    @Test
    void everySizeAroundTheThresholdsCrossesExactlyWhateverItsChars() throws Exception {
      for (int n : LENGTHS) {
        assertCrossesExactly(withCharAt(n, "", -1));
        for (String special : SPECIALS) {
          // first, last, and across the first chunk boundary (a pair split between chunks)
          for (int at : new int[] {0, n - special.length(), 4095, n / 2}) {
            assertCrossesExactly(withCharAt(n, special, at));
          }
        }
      }
    }

    @Test
    void aStringMadeInJavaScriptWithLoneSurrogatesAndNulsComesBackExactly() throws Exception {
      engine.eval(
          "function made(n) { let s = ''; for (let i = 0; i < n; i++) s += String.fromCharCode("
              + "i % 7 === 0 ? 0xD800 + i % 1024 : i % 11 === 0 ? 0 : i % 13 === 0 ? 0xDC00 : 97 + i % 26);"
              + " return s }");
      for (int n : new int[] {33, 65, 4097, 70_000}) {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < n; i++) {
          expected.append((char) (i % 7 == 0 ? 0xD800 + i % 1024 : i % 11 == 0 ? 0 : i % 13 == 0 ? 0xDC00 : 'a' + i % 26));
        }
        assertEquals(expected.toString(), invocable.invokeFunction("made", n));
      }
    }

    @Test
    void aLatin1StringWhoseOnlyWideCharIsItsLastComesBackWide() throws Exception {
      // written as Latin-1 chunk by chunk, then again from the start as UTF-16
      String s = "x".repeat(3 * 4096 + 17) + "\u0101";
      assertCrossesExactly(s);
    }

    @Test
    void longCharSequencesThatAreNotStringsCrossAsTheirChars() throws Exception {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 10_000; i++) {
        sb.append(i % 100 == 0 ? '\u4e16' : (char) ('0' + i % 10));
      }
      assertEquals(sb.toString(), invocable.invokeFunction("echo", sb));
      assertEquals(digest(sb.toString()), invocable.invokeFunction("digest", sb));
    }

    @Test
    void bigCallsBetweenManySmallOnesStayExact() throws Exception {
      // the buffers of a big call are kept while big calls come, and given back after small ones
      String big = withCharAt(10 << 20, "\u20ac", 999);
      String bigLatin1 = withCharAt(10 << 20, "\u00e9", 5);
      for (int round = 0; round < 3; round++) {
        assertEquals(big, invocable.invokeFunction("echo", big));
        for (int i = 0; i < 20; i++) {
          assertEquals("small " + i, invocable.invokeFunction("echo", "small " + i));
        }
        assertEquals(bigLatin1, invocable.invokeFunction("echo", bigLatin1));
      }
    }
  }

  @Nested
  class MapKeys {
    private static final String TRANSFORM =
        "function transform(m) { const r = {}; for (const k of Object.keys(m)) r[k] = m[k] * 2; return r }";

    @Test
    void aMapOfAHundredThousandEntriesComesBackWithEveryKeyInOrder() throws Exception {
      engine.eval(TRANSFORM);
      Map<String, Object> in = new LinkedHashMap<>();
      for (int i = 0; i < 100_000; i++) {
        in.put("key" + i, i);
      }
      // twice: the second time the names are found in the decoded-names table
      for (int round = 0; round < 2; round++) {
        Map<?, ?> out = (Map<?, ?>) invocable.invokeFunction("transform", in);
        List<Object> keys = new ArrayList<>();
        long sum = 0;
        for (Map.Entry<?, ?> e : out.entrySet()) {
          keys.add(e.getKey());
          sum += ((Number) e.getValue()).longValue();
          assertEquals(2 * (Integer) in.get((String) e.getKey()), ((Number) e.getValue()).intValue());
        }
        assertEquals(new ArrayList<>(in.keySet()), keys);
        assertEquals(2L * 99_999 * 100_000 / 2, sum);
      }
    }

    @Test
    void keysThatShareTheirStartOrDifferInOneCharStayDistinct() throws Exception {
      engine.eval(TRANSFORM);
      Map<String, Object> in = new LinkedHashMap<>();
      String base = "p".repeat(31);
      for (char c = 'a'; c <= 'z'; c++) {
        in.put(base + c, (int) c); // 32 chars: the longest names kept decoded
        in.put(base + c + c, (int) c + 1000); // 33 chars: not kept
        in.put(String.valueOf(c), (int) c + 2000);
        in.put(c + "\u00e9", (int) c + 3000);
      }
      for (int round = 0; round < 3; round++) {
        Map<?, ?> out = (Map<?, ?>) invocable.invokeFunction("transform", in);
        assertEquals(in.size(), out.size());
        for (Map.Entry<String, Object> e : in.entrySet()) {
          assertEquals(2 * (Integer) e.getValue(), ((Number) out.get(e.getKey())).intValue(), e.getKey());
        }
      }
    }

    @Test
    void integerLikeKeysComeBackAsJavaScriptOrdersThem() throws Exception {
      engine.eval(TRANSFORM);
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("b", 1);
      in.put("10", 2);
      in.put("2", 3);
      in.put("01", 4); // not an array index: stays a string key in insertion order
      in.put("-1", 5);
      in.put("4294967294", 6); // the largest array index
      in.put("4294967295", 7); // not an array index
      in.put("a", 8);
      Map<?, ?> out = (Map<?, ?>) invocable.invokeFunction("transform", in);
      assertEquals(
          List.of("2", "10", "4294967294", "b", "01", "-1", "4294967295", "a"),
          new ArrayList<>(out.keySet()));
      assertEquals(4, ((Number) out.get("10")).intValue());
      assertTrue(out.containsKey("01"));
    }
  }
}
