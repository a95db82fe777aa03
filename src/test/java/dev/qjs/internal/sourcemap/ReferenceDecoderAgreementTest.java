package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our decoder and a reference one that runs here, {@code @jridgewell/trace-mapping} under node,
 * asked for every generated position of each real compiler output: every answer must be the
 * same (source as resolved against the same map URL, original line and column, name; or
 * nothing for both).
 */
class ReferenceDecoderAgreementTest {
  @ParameterizedTest
  @ValueSource(strings = {"esbuild-min/bundle.js", "esbuild-esm/bundle.js", "esbuild-iife/bundle.js",
      "tsc-external/thrower.js"})
  void everyPositionMapsAsTraceMappingMapsIt(String fixture) throws Exception {
    Path generated = CompilerFixtures.dir().resolve(fixture);
    Path mapFile = generated.resolveSibling(generated.getFileName() + ".map");
    assertAgree(fixture, generated, mapFile, fixture + ".map");
  }

  /**
   * An index map made of two real maps, the second section starting mid-line (the tsc output,
   * then the esbuild bundle from column 5 of tsc's last line), against trace-mapping's reading
   * of the same sections.
   */
  @Test
  void anIndexMapOfTwoRealMapsMapsAsTraceMappingMapsIt() throws Exception {
    Path dir = CompilerFixtures.dir();
    String tscCode = Files.readString(dir.resolve("tsc-external/thrower.js"));
    String esmCode = Files.readString(dir.resolve("esbuild-esm/bundle.js"));
    String[] tscLines = tscCode.split("\n", -1);
    int offsetLine = tscLines.length - 1;
    StringBuilder generatedText = new StringBuilder();
    for (int i = 0; i < offsetLine; i++) {
      generatedText.append(tscLines[i]).append('\n');
    }
    generatedText.append("/*5*/").append(esmCode);
    String index = "{\"version\":3,\"sections\":["
        + "{\"offset\":{\"line\":0,\"column\":0},\"map\":"
        + Files.readString(dir.resolve("tsc-external/thrower.js.map")) + "},"
        + "{\"offset\":{\"line\":" + offsetLine + ",\"column\":5},\"map\":"
        + Files.readString(dir.resolve("esbuild-esm/bundle.js.map")) + "}]}";
    Path work = Files.createTempDirectory("index-map");
    try {
      Path generated = Files.writeString(work.resolve("index.js"), generatedText);
      Path mapFile = Files.writeString(work.resolve("index.js.map"), index);
      assertAgree("index map", generated, mapFile, "sections/index.js.map");
    } finally {
      Files.deleteIfExists(work.resolve("index.js"));
      Files.deleteIfExists(work.resolve("index.js.map"));
      Files.deleteIfExists(work);
    }
  }

  private static void assertAgree(String fixture, Path generated, Path mapFile, String mapUrl)
      throws Exception {
    List<String> reference = referenceLookups(generated, mapFile, mapUrl);
    SourceMap ours = SourceMapJson.read(Files.readString(mapFile), mapUrl);
    int mapped = 0;
    for (String row : reference) {
      String[] f = row.split("\t", -1);
      int line = Integer.parseInt(f[0]);
      int column = Integer.parseInt(f[1]);
      OriginalPosition p = ours.lookup(line, column);
      String mine = p == null
          ? "-\t-\t-\t-"
          : p.source() + "\t" + p.line() + "\t" + (p.column() - 1) + "\t"
              + (p.name() == null ? "-" : p.name());
      String theirs = f[2] + "\t" + f[3] + "\t" + f[4] + "\t" + f[5];
      assertEquals(theirs, mine, fixture + " at line " + line + " (0-based), column " + column);
      if (p != null) {
        mapped++;
      }
    }
    assertTrue(reference.size() > 300, "too few positions compared: " + reference.size());
    assertTrue(mapped > reference.size() / 2, "most positions should map: " + mapped);
  }

  private static List<String> referenceLookups(Path generated, Path mapFile, String mapUrl)
      throws IOException, InterruptedException {
    Path modules = Path.of(System.getProperty("quickjs.npm.dir", "target/npm"))
        .toAbsolutePath().resolve("node_modules");
    if (!Files.isDirectory(modules.resolve("@jridgewell/trace-mapping"))) {
      fail("@jridgewell/trace-mapping is missing from " + modules + " (src/test/npm/fetch.sh)");
    }
    Path script = CompilerFixtures.sources().resolve("reference-lookup.cjs");
    Path out = Files.createTempFile("trace-mapping", ".tsv");
    try {
      Process node;
      try {
        node = new ProcessBuilder("node", script.toString(), modules.toString(),
                generated.toString(), mapFile.toString(), mapUrl)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
      } catch (IOException e) {
        return fail("node, which runs the reference decoder, cannot be started: " + e);
      }
      if (!node.waitFor(60, TimeUnit.SECONDS)) {
        node.destroyForcibly();
        fail("the reference decoder took over 60 s");
      }
      assertEquals(0, node.exitValue(), "the reference decoder failed");
      List<String> rows = new ArrayList<>();
      for (String row : Files.readAllLines(out, StandardCharsets.UTF_8)) {
        if (!row.isEmpty()) {
          rows.add(row);
        }
      }
      return rows;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
