package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.JsException;
import dev.qjs.QuickJsScriptEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.Test;

/**
 * The claim the column conversion rests on, checked on the real engine: QuickJS reports
 * 1-based columns counted in code points, so an astral character (two UTF-16 units) before
 * the failing expression counts once; and, end to end, a failure in the real minified bundle
 * maps back through the registry to the TypeScript line and column that threw.
 */
class QuickJsColumnsTest {
  private static QuickJsScriptEngine engine() {
    ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
    assertNotNull(e, "no engine named quickjs");
    return (QuickJsScriptEngine) e;
  }

  @Test
  void quickJsCountsColumnsInCodePointsFromOne() {
    String line = "var s = \"😀é😀\"; missing();";
    try (QuickJsScriptEngine engine = engine()) {
      engine.put(ScriptEngine.FILENAME, "astral.js");
      JsException e = assertThrows(JsException.class, () -> engine.eval("1;\n" + line));
      assertEquals(2, e.getLineNumber(), e.getMessage());
      int utf16 = line.indexOf("missing");
      int codePoints = line.codePointCount(0, utf16);
      assertNotEquals(utf16, codePoints);
      assertEquals(codePoints + 1, e.getColumnNumber(), e.getMessage());
      assertEquals(utf16, GeneratedColumns.of("1;\n" + line).utf16Column(2, e.getColumnNumber()));
    }
  }

  @Test
  void aFailureInTheRealMinifiedBundleMapsBackToTheTypeScriptThatThrew() throws Exception {
    Path generated = CompilerFixtures.dir().resolve("esbuild-min/bundle.js");
    String code = Files.readString(generated);
    SourceMaps maps = new SourceMaps(4);
    maps.register("bundle.js", code, null, url -> Files.readString(generated.resolveSibling(url)));
    try (QuickJsScriptEngine engine = engine()) {
      engine.put(ScriptEngine.FILENAME, "bundle.js");
      engine.eval(code);
      Object shop = engine.get("Shop");
      JsException e = assertThrows(JsException.class,
          () -> ((Invocable) engine).invokeMethod(shop, "banner", ""));
      assertEquals("bundle.js", e.getFileName());
      OriginalPosition p = maps.map("bundle.js", e.getLineNumber(), e.getColumnNumber());
      assertNotNull(p, "nothing maps at " + e.getLineNumber() + ":" + e.getColumnNumber());
      assertTrue(p.source().endsWith("src/test/sourcemaps/bundle/text.ts"), p.source());
      String ts = Files.readString(CompilerFixtures.sources().resolve("bundle/text.ts"));
      CompilerFixtures.Place thrown = CompilerFixtures.throwOf(ts, "bundle-astral-failure");
      assertEquals(thrown.line(), p.line(), p.toString());
      String tsLine = ts.split("\n")[thrown.line() - 1];
      assertTrue(p.column() - 1 >= tsLine.indexOf("throw")
              && p.column() - 1 <= tsLine.indexOf("bundle-astral-failure"),
          "column " + p.column() + " is not within the throw statement of: " + tsLine);
    }
  }
}
