package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Finding a generated source's map comment, and reading inline maps from data: URLs. */
class SourceMappingUrlTest {
  private static final String MAP = "{\"version\":3,\"sources\":[\"é😀.ts\"],\"mappings\":\"AAAA\"}";

  @Test
  void theLastCommentAtTheEndNamesTheMap() {
    assertEquals("b.js.map",
        SourceMappingUrl.find("x();\n//# sourceMappingURL=a.js.map\n//# sourceMappingURL=b.js.map\n"));
    assertEquals("app.js.map", SourceMappingUrl.find("x();\n//# sourceMappingURL=app.js.map"));
  }

  @Test
  void theLegacyAtFormBlockCommentsCrLfAndTrailingCommentsAreAccepted() {
    assertEquals("old.map", SourceMappingUrl.find("x();\n//@ sourceMappingURL=old.map\n"));
    assertEquals("block.map", SourceMappingUrl.find("x();\n/*# sourceMappingURL=block.map */\n"));
    assertEquals("crlf.map", SourceMappingUrl.find("x();\r\n//# sourceMappingURL=crlf.map\r\n\r\n"));
    assertEquals("t.map",
        SourceMappingUrl.find("x();\n//# sourceMappingURL=t.map\n// a licence line\n/* done */\n  \n"));
  }

  @Test
  void aCommentFollowedByCodeOrSharingALineWithCodeIsNotTheMaps() {
    assertNull(SourceMappingUrl.find("//# sourceMappingURL=early.map\nx();\n"));
    assertNull(SourceMappingUrl.find("x(); //# sourceMappingURL=same-line.map\n"));
    assertNull(SourceMappingUrl.find("x();\n//# sourceMappingURL=a.map trailing words\n"));
    assertNull(SourceMappingUrl.find("x();\n//# sourceMappingURL=\n"));
    assertNull(SourceMappingUrl.find("var s = '//# sourceMappingURL=in-a-string.map';"));
    assertNull(SourceMappingUrl.find(""));
    assertNull(SourceMappingUrl.find("\n\n\n"));
  }

  @Test
  void aSourceWithoutCommentIsDecidedFromItsLastLineAlone() {
    // ten million characters of code before the last line: the scan must not walk them
    String big = "x();\n".repeat(2_000_000) + "y();";
    long start = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      assertNull(SourceMappingUrl.find(big));
    }
    long perCallMicros = (System.nanoTime() - start) / 1000 / 1000;
    assertTrue(perCallMicros < 1000, "a scan took " + perCallMicros + " µs");
  }

  @Test
  void base64AndPercentEncodedDataUrlsDecodeToTheJson() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(MAP.getBytes(StandardCharsets.UTF_8));
    assertEquals(MAP, SourceMappingUrl.decodeData("data:application/json;base64," + b64));
    assertEquals(MAP,
        SourceMappingUrl.decodeData("data:application/json;charset=utf-8;base64," + b64));
    assertEquals(MAP,
        SourceMappingUrl.decodeData("data:application/json;charset=UTF-8,"
            + URLEncoder.encode(MAP, StandardCharsets.UTF_8).replace("+", "%20")));
    assertTrue(SourceMappingUrl.isData("DATA:application/json,{}"));
    assertFalse(SourceMappingUrl.isData("app.js.map"));
  }

  @Test
  void badDataUrlsAreRefusedSayingWhatIsWrong() {
    assertRefused("data:application/json;base64,not*base64!", "not valid base64");
    assertRefused("data:text/plain;base64,e30=", "media type");
    assertRefused("data:application/json;charset=latin1,{}", "charset");
    assertRefused("data:application/json;base64", "no comma");
    assertRefused("data:application/json,%7", "percent-escape");
    assertRefused("data:application/json,%zz", "percent-escape");
    assertRefused("data:application/json;base64,"
        + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe}), "not UTF-8");
  }

  private static void assertRefused(String url, String why) {
    InvalidSourceMapException e =
        assertThrows(InvalidSourceMapException.class, () -> SourceMappingUrl.decodeData(url));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
