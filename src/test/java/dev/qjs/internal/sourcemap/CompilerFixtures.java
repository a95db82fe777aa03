package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real compiler output the build made (src/test/sourcemaps/compile.sh: tsc and esbuild over
 * our own TypeScript), and how to find positions in it by text.
 */
public final class CompilerFixtures {
  private CompilerFixtures() {}

  /** The fixtures' folder; fails, saying why, when the build could not make them. */
  public static Path dir() {
    Path dir = Path.of(System.getProperty("quickjs.sourcemap.fixtures", "target/sourcemap-fixtures"))
        .toAbsolutePath();
    if (Files.isRegularFile(dir.resolve("COMPILED"))) {
      return dir;
    }
    String reason;
    try {
      Path why = dir.resolve("UNAVAILABLE");
      reason = Files.isRegularFile(why)
          ? Files.readString(why, StandardCharsets.UTF_8).strip()
          : "the build did not run src/test/sourcemaps/compile.sh (run `mvn generate-test-resources`)";
    } catch (IOException e) {
      reason = e.toString();
    }
    return fail("the source-map fixtures compiled by tsc and esbuild are missing from " + dir
        + ": " + reason);
  }

  /** The folder of our TypeScript sources. */
  public static Path sources() {
    return Path.of("src/test/sourcemaps").toAbsolutePath();
  }

  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A place in a text: 1-based line, 0-based UTF-16 column, 1-based code-point column. */
  record Place(int line, int utf16Column, int quickJsColumn) {}

  /** Where the {@code throw} whose message contains {@code marker} starts. */
  static Place throwOf(String text, String marker) {
    int at = text.indexOf(marker);
    assertTrue(at >= 0, "no " + marker + " in the text");
    assertTrue(text.indexOf(marker, at + 1) < 0, marker + " occurs twice");
    int throwAt = text.lastIndexOf("throw", at);
    assertTrue(throwAt >= 0, "no throw before " + marker);
    return placeOf(text, throwAt);
  }

  static Place placeOf(String text, int index) {
    int lineStart = text.lastIndexOf('\n', index - 1) + 1;
    int line = 1;
    for (int i = 0; i < lineStart; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    int utf16 = index - lineStart;
    int codePoints = text.codePointCount(lineStart, index);
    return new Place(line, utf16, codePoints + 1);
  }
}
