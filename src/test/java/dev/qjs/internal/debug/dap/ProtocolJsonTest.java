package dev.qjs.internal.debug.dap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The protocol's own strict JSON reader and writer, and the hit-condition forms. */
class ProtocolJsonTest {
  @Nested
  class Reading {
    @Test
    void valuesBecomeMapsListsStringsLongsDoublesBooleansAndTheNullMarker() throws Exception {
      Object v = JsonReader.parse(" {\"a\": [1, -2.5, 1e3, true, false, null], \"b\": {\"c\": \"d\"}} ");
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("a", Arrays.asList(1L, -2.5, 1000.0, true, false, JsonReader.NULL));
      expected.put("b", Map.of("c", "d"));
      assertEquals(expected, v);
      assertSame(JsonReader.NULL, JsonReader.parse("null"));
    }

    @Test
    void escapesAndSurrogatePairsAndLoneSurrogatesDecode() throws Exception {
      assertEquals("\"\\/\b\f\n\r\t\u00e9\uD83D\uDE00\uD800",
          JsonReader.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\uD800\""));
    }

    @Test
    void hugeNumbersAreDoublesAndLongDigitRunsAreRefused() throws Exception {
      assertEquals(Long.MAX_VALUE, JsonReader.parse("9223372036854775807"));
      assertEquals(9.223372036854775808e18, JsonReader.parse("9223372036854775808"));
      assertEquals(Double.POSITIVE_INFINITY, JsonReader.parse("1e999999"));
      assertThrows(MalformedMessageException.class, () -> JsonReader.parse("1" + "0".repeat(1000)));
    }

    @Test
    void everythingNotStrictJsonIsRefusedWithItsOffset() {
      for (String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "{a:1}", "'x'", "01", "1.", ".5", "-",
          "1e", "tru", "nul", "\"\\x\"", "\"\\u12\"", "\"a\nb\"", "{\"a\":1}{", "[1 2]",
          "{\"a\":1,\"a\":2}", "NaN", "Infinity", "\"unterminated")) {
        MalformedMessageException e =
            assertThrows(MalformedMessageException.class, () -> JsonReader.parse(bad), bad);
        assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
      }
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithoutAStackOverflow() throws Exception {
      String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
      assertTrue(JsonReader.parse(ok) instanceof List);
      for (String deep : List.of("[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1),
          "[".repeat(1_000_000), "{\"a\":".repeat(1_000_000))) {
        assertTrue(assertThrows(MalformedMessageException.class, () -> JsonReader.parse(deep))
            .getMessage().contains("nested deeper"));
      }
    }
  }

  @Nested
  class Writing {
    @Test
    void whatIsWrittenReadsBackTheSame() throws Exception {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("text", "q\"b\\s\n\t\u0001\u2028 \uD83D\uDE00");
      m.put("list", List.of(1, 2L, 2.5, true, JsonReader.NULL, Map.of()));
      assertEquals(m.toString(), JsonReader.parse(JsonWriter.write(m)).toString());
      assertEquals("{\"text\":\"q\\\"b\\\\s\\n\\t\\u0001\\u2028 \uD83D\uDE00\",\"list\":[1,2,2.5,true,null,{}]}",
          JsonWriter.write(m));
    }

    @Test
    void loneSurrogatesAreEscapedAndNonFiniteNumbersAreNull() {
      assertEquals("[\"\\ud800x\\udc00\",null,null,3]",
          JsonWriter.write(List.of("\uD800x\uDC00", Double.NaN, Double.NEGATIVE_INFINITY, 3.0)));
    }

    @Test
    void aValueThatIsNoJsonIsRefused() {
      assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(List.of(new Object())));
    }
  }

  @Nested
  class HitConditions {
    private boolean[] stops(String condition) throws Exception {
      HitCondition h = HitCondition.parse(condition);
      boolean[] s = new boolean[7];
      for (int hit = 1; hit < s.length; hit++) {
        s[hit] = h.stopsAt(hit);
      }
      return s;
    }

    @Test
    void everyFormCountsAsDocumented() throws Exception {
      assertEquals("[false, false, false, true, true, true, true]", Arrays.toString(stops("3")));
      assertEquals("[false, false, false, true, true, true, true]", Arrays.toString(stops(" >= 3 ")));
      assertEquals("[false, false, false, false, true, true, true]", Arrays.toString(stops(">3")));
      assertEquals("[false, false, false, true, false, false, false]", Arrays.toString(stops("==3")));
      assertEquals("[false, false, false, true, false, false, false]", Arrays.toString(stops("=3")));
      assertEquals("[false, true, true, false, false, false, false]", Arrays.toString(stops("<3")));
      assertEquals("[false, true, true, true, false, false, false]", Arrays.toString(stops("<=3")));
      assertEquals("[false, false, true, false, true, false, true]", Arrays.toString(stops("%2")));
    }

    @Test
    void anythingElseIsRefusedWithTheForms() {
      for (String bad : List.of("", "x", "%0", "> = 3", "3x", "-1", "99999999999999999999")) {
        assertTrue(assertThrows(RequestFailedException.class, () -> HitCondition.parse(bad))
            .getMessage().contains("hit condition"), bad);
      }
    }
  }
}
