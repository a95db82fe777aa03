package dev.qjs.internal.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.nativelib.NativePlatform.Libc;
import dev.qjs.internal.nativelib.NativePlatform.LibcEvidence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * native-libs/platforms.txt, the table the build scripts read, names the same platforms as
 * {@link NativePlatform} and the release profile's list of required libraries in pom.xml: a
 * platform added in one place only fails the build.
 */
class PlatformTableTest {
  private static final Path TABLE = Path.of("native-libs", "platforms.txt");
  private static final Path POM = Path.of("pom.xml");

  /** One line of the table. */
  record Row(
      String platform, String os, String cpu, String libc, String zig, String library, String format) {}

  static List<Row> table() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(TABLE, StandardCharsets.UTF_8)) {
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      // six blank-separated columns, then the format (which may hold blanks) to the end
      String[] cols = text.split("\\s+", 7);
      assertEquals(7, cols.length, () -> TABLE + ": a line needs 7 columns: " + line);
      rows.add(new Row(cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6].strip()));
    }
    return rows;
  }

  /** An {@code os.name} a JVM on this OS reports. */
  private static String osName(String os) {
    return switch (os) {
      case "linux" -> "Linux";
      case "darwin" -> "Mac OS X";
      case "win32" -> "Windows 11";
      default -> throw new AssertionError(TABLE + ": unknown os " + os);
    };
  }

  /** An {@code os.arch} a JVM on this processor reports. */
  private static String osArch(String cpu) {
    return switch (cpu) {
      case "x86-64" -> "amd64";
      case "aarch64" -> "aarch64";
      default -> throw new AssertionError(TABLE + ": unknown cpu " + cpu);
    };
  }

  @Test
  void tableListsTheFoldersNativePlatformKnowsInTheSameOrder() throws IOException {
    assertEquals(
        NativePlatform.KNOWN_FOLDERS, table().stream().map(Row::platform).toList(),
        "native-libs/platforms.txt and NativePlatform.KNOWN_FOLDERS must name the same platforms");
  }

  @Test
  void eachPlatformIsWhatNativePlatformDetectsForItsOsProcessorAndCLibrary() throws IOException {
    for (Row row : table()) {
      Libc libc =
          switch (row.libc()) {
            case "glibc" -> Libc.GLIBC;
            case "musl" -> Libc.MUSL;
            case "-" -> null;
            default -> throw new AssertionError(TABLE + ": unknown libc " + row.libc());
          };
      assertEquals(row.os().equals("linux"), libc != null, row.platform() + ": libc only on linux");
      NativePlatform detected =
          NativePlatform.of(
              osName(row.os()),
              osArch(row.cpu()),
              null,
              () -> new LibcEvidence(libc == null ? Libc.GLIBC : libc, "table"));
      assertEquals(row.platform(), detected.folder(), row + " is detected as another folder");
      assertEquals(
          NativePlatform.libraryFile(row.platform()), row.library(), row.platform() + ": library");
    }
  }

  @Test
  void zigTargetsMatchTheProcessorAndCLibrary() throws IOException {
    Map<String, String> zigCpu = Map.of("x86-64", "x86_64", "aarch64", "aarch64");
    Map<String, String> zigOs = Map.of("linux", "linux", "darwin", "macos", "win32", "windows");
    for (Row row : table()) {
      String prefix = zigCpu.get(row.cpu()) + "-" + zigOs.get(row.os());
      assertTrue(row.zig().startsWith(prefix), row.platform() + ": zig target " + row.zig());
      if (row.libc().equals("glibc")) {
        // build-all.sh reads the glibc floor out of the target
        assertTrue(row.zig().matches(prefix + "-gnu\\.\\d+\\.\\d+"), row.zig());
      } else if (row.libc().equals("musl")) {
        assertEquals(prefix + "-musl", row.zig());
      }
    }
  }

  @Test
  void releaseProfileRequiresTheLibraryOfEveryPlatform() throws IOException {
    String pom = Files.readString(POM, StandardCharsets.UTF_8);
    Matcher execution =
        Pattern.compile("<id>release-natives-present</id>(.*?)</execution>", Pattern.DOTALL)
            .matcher(pom);
    assertTrue(execution.find(), "pom.xml has no release-natives-present execution");
    Matcher file =
        Pattern.compile("<file>\\$\\{project\\.build\\.outputDirectory}/([^<]+)</file>")
            .matcher(execution.group(1));
    List<String> required = new ArrayList<>();
    while (file.find()) {
      required.add(file.group(1));
    }
    assertFalse(required.isEmpty(), "no required library found in release-natives-present");
    assertEquals(
        table().stream().map(r -> r.platform() + "/" + r.library()).toList(),
        required,
        "pom.xml's release-natives-present files must be native-libs/platforms.txt's libraries");
  }
}
