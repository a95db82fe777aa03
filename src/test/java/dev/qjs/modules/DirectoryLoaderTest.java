package dev.qjs.modules;

import static dev.qjs.ModuleLoader.Kind.IMPORT;
import static dev.qjs.ModuleLoader.Kind.REQUIRE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import dev.qjs.ModuleSource.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scripts in a directory: paths from the root or the importing module, never out of the root. */
class DirectoryLoaderTest {
  @TempDir Path dir;
  private Path root;
  private ModuleLoader loader;

  @BeforeEach
  void scripts() throws IOException {
    root = dir.resolve("scripts");
    SampleFiles.write(
        root,
        "main.js", "import { u } from './lib/util.js'; export default u",
        "lib/util.js", "export const u = 1",
        "lib/index.js", "export * from './util.js'",
        "lib/main.js", "import './util.js'",
        "data.json", "{\"x\": 1}",
        "legacy.cjs", "module.exports = 1",
        "plain.js", "print('no module syntax at all')",
        "required.js", "const u = require('./lib/util.js'); module.exports = u",
        "bom.js", "\uFEFFexport default 1",
        "pkg/package.json", "{\"type\": \"commonjs\"}",
        "pkg/a.js", "print('commonjs by package.json')",
        "node_modules/dep/index.js", "module.exports = 1");
    SampleFiles.write(dir, "outside/secret.js", "export const secret = 1", "outside.js", "export default 1");
    loader = ModuleLoader.directory(root);
  }

  private String id(String path) throws IOException {
    return root.toRealPath().resolve(path).toString();
  }

  private ModuleNotFoundException fails(String specifier) {
    return assertThrows(ModuleNotFoundException.class, () -> loader.resolve(specifier, null, IMPORT));
  }

  @Test
  void aTopLevelScriptResolvesFromTheRoot() throws IOException {
    assertEquals(id("lib/util.js"), loader.resolve("./lib/util.js", null, IMPORT));
    assertEquals(id("lib/util.js"), loader.resolve("lib/util.js", null, IMPORT));
    assertEquals(id("lib/util.js"), loader.resolve("lib/util", null, REQUIRE));
    assertEquals(id("lib/index.js"), loader.resolve("./lib", null, IMPORT));
    assertEquals(id("lib/index.js"), loader.resolve("lib/", null, IMPORT));
  }

  @Test
  void aModuleResolvesRelativeToItself() throws IOException {
    assertEquals(id("lib/util.js"), loader.resolve("./util.js", id("lib/main.js"), IMPORT));
    assertEquals(id("main.js"), loader.resolve("../main.js", id("lib/util.js"), IMPORT));
    assertEquals(id("data.json"), loader.resolve("../data", id("lib/util.js"), REQUIRE));
  }

  @Test
  void bareSpecifiersArePathsFromTheRootNotPackages() throws IOException {
    assertEquals(id("lib/util.js"), loader.resolve("lib/util.js", id("lib/main.js"), IMPORT));
    assertNull(loader.resolve("dep", null, REQUIRE), "node_modules is not searched");
    assertNull(loader.resolve("missing-name", null, IMPORT));
  }

  @Test
  void anIdResolvesToItself() throws IOException {
    String id = id("lib/util.js");
    assertEquals(id, loader.resolve(id, null, IMPORT));
    assertEquals(id, loader.resolve(root.toRealPath().resolve("lib/util.js").toUri().toString(), null, IMPORT));
  }

  @Test
  void urlsAndBuiltInsAreNotThisLoadersBusiness() throws IOException {
    assertNull(loader.resolve("node:fs", null, IMPORT));
    assertNull(loader.resolve("https://example.invalid/a.js", null, IMPORT));
    assertNull(loader.resolve("./lib/util.js", "classpath:scripts/main.js", IMPORT));
  }

  @Test
  void aMissingFileNamesTheSpecifierTheReferrerAndWhatWasTried() throws IOException {
    ModuleNotFoundException e =
        assertThrows(
            ModuleNotFoundException.class, () -> loader.resolve("./missing.js", id("lib/main.js"), IMPORT));
    assertEquals(
        "Cannot find module './missing.js' imported from " + id("lib/main.js") + ": no such file (tried "
            + id("lib/missing.js") + ", " + id("lib/missing.js.js") + ", " + id("lib/missing.js.mjs"),
        e.getMessage().substring(0, e.getMessage().indexOf(".mjs") + 4));
    assertTrue(fails("./missing").getMessage().contains("imported from a top-level script"));
  }

  @Nested
  class Escapes {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "../outside.js",
          "./../outside/secret.js",
          "lib/../../outside.js",
          "..",
          "..\\outside.js",
          ".\\lib\\..\\..\\outside.js",
          "lib/../../../../../../etc/passwd",
        })
    void climbingAboveTheRootIsRefused(String specifier) throws IOException {
      String m = fails(specifier).getMessage();
      assertTrue(m.contains("refused: the path climbs above the root " + root.toRealPath()), m);
    }

    @Test
    void climbingAboveTheRootFromAModuleIsRefused() {
      assertThrows(
          ModuleNotFoundException.class, () -> loader.resolve("../../outside.js", id("lib/main.js"), IMPORT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "C:\\Windows\\win.ini", "c:/x.js", "file:///etc/passwd"})
    void anAbsolutePathOutsideTheRootIsRefused(String specifier) {
      String m = fails(specifier).getMessage();
      assertTrue(m.contains("refused") && m.contains("outside the root"), m);
    }

    @Test
    void anAbsolutePathOfTheParentIsRefused() {
      assertTrue(fails(dir.resolve("outside.js").toString()).getMessage().contains("refused"));
      assertTrue(fails(root.resolve("../outside.js").toString()).getMessage().contains("refused"));
    }

    @Test
    void aSymbolicLinkToAFileOutsideIsRefused() throws IOException {
      assumeTrue(SampleFiles.link(root.resolve("link-out.js"), dir.resolve("outside/secret.js")));
      String m = fails("./link-out.js").getMessage();
      assertTrue(m.contains("refused") && m.contains("symbolic link"), m);
      assertNull(loader.load(dir.resolve("outside/secret.js").toString()));
    }

    @Test
    void aSymbolicLinkToADirectoryOutsideIsRefused() throws IOException {
      assumeTrue(SampleFiles.link(root.resolve("dir-out"), dir.resolve("outside")));
      assertTrue(fails("dir-out/secret.js").getMessage().contains("symbolic link"));
      assertTrue(fails("./dir-out/secret").getMessage().contains("symbolic link"));
    }

    @Test
    void aSymbolicLinkInsideTheRootResolvesToTheRealFile() throws IOException {
      assumeTrue(SampleFiles.link(root.resolve("alias.js"), root.resolve("lib/util.js")));
      assertEquals(id("lib/util.js"), loader.resolve("./alias.js", null, IMPORT));
    }

    @Test
    void aSymbolicLinkedRootIsFollowed() throws IOException {
      assumeTrue(SampleFiles.link(dir.resolve("root-link"), root));
      ModuleLoader linked = ModuleLoader.directory(dir.resolve("root-link"));
      assertEquals(id("lib/util.js"), linked.resolve("lib/util.js", null, IMPORT));
      assertEquals(id("lib/util.js"), linked.resolve(dir.resolve("root-link/lib/util.js").toString(), null, IMPORT));
    }

    @Test
    void loadTakesNoIdOutsideTheRoot() throws IOException {
      assertNull(loader.load(dir.resolve("outside.js").toString()));
      assertNull(loader.load(root.resolve("../outside.js").toString()));
      assertNull(loader.load("outside.js"));
    }
  }

  @Nested
  class BadSpecifiers {
    @Test
    void aNulCharacterIsRefusedAndShownEscaped() {
      ModuleNotFoundException e = fails("./lib/util.js\0.png");
      assertTrue(e.getMessage().contains("may not contain a NUL character"), e.getMessage());
      assertTrue(e.getMessage().contains("./lib/util.js\\x00.png"), e.getMessage());
    }

    @Test
    void aHugeSpecifierIsRefusedWithAShortMessage() {
      ModuleNotFoundException e = fails("./" + "a".repeat(1_000_000));
      assertTrue(e.getMessage().contains("longer than 4096"), e.getMessage().substring(0, 300));
      assertTrue(e.getMessage().length() < 600, "message length " + e.getMessage().length());
      assertEquals(1_000_002, e.specifier().length());
    }

    @Test
    void aLongButAllowedSpecifierIsSimplyNotFound() {
      ModuleNotFoundException e = fails("./" + "a/".repeat(2000));
      assertTrue(e.getMessage().contains("no such file"));
      assertTrue(e.getMessage().length() < 4000, "message length " + e.getMessage().length());
    }

    @Test
    void anEmptySpecifierIsRefused() {
      assertTrue(fails("").getMessage().contains("empty specifier"));
    }

    @Test
    void controlCharactersAndOddNamesAreJustNotFound() throws IOException {
      assertThrows(ModuleNotFoundException.class, () -> loader.resolve("./\n\t.js", null, IMPORT));
      assertNull(loader.resolve("a:b", null, IMPORT));
      assertNull(loader.resolve("con", null, IMPORT));
      assertNull(loader.resolve("%2e%2e/outside.js", null, IMPORT));
    }
  }

  @Nested
  class Formats {
    private Format format(String path) throws IOException {
      return loader.load(id(path)).format();
    }

    @Test
    void esmUnlessTheFileSaysOtherwise() throws IOException {
      assertEquals(Format.ESM, format("main.js"));
      assertEquals(Format.ESM, format("plain.js"), "scripts with no module syntax are ESM here");
      assertEquals(Format.COMMONJS, format("legacy.cjs"));
      assertEquals(Format.COMMONJS, format("required.js"), "require() shows CommonJS");
      assertEquals(Format.COMMONJS, format("pkg/a.js"), "package.json type commonjs");
      assertEquals(Format.JSON, format("data.json"));
    }

    @Test
    void aByteOrderMarkIsDropped() throws IOException {
      assertEquals("export default 1", loader.load(id("bom.js")).text());
    }

    @Test
    void aSourceIsReadAfreshEachTime() throws IOException {
      ModuleSource before = loader.load(id("lib/util.js"));
      Files.writeString(root.resolve("lib/util.js"), "export const u = 2");
      assertEquals("export const u = 1", before.text());
      assertEquals("export const u = 2", loader.load(id("lib/util.js")).text());
    }

    @Test
    void aFileThatWentAwayIsAnIoError() throws IOException {
      String id = id("lib/util.js");
      Files.delete(root.resolve("lib/util.js"));
      assertThrows(IOException.class, () -> loader.load(id));
    }
  }

  @Test
  void aRootThatIsNotADirectoryIsRejectedAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> ModuleLoader.directory(dir.resolve("nothing")));
    assertThrows(IllegalArgumentException.class, () -> ModuleLoader.directory(dir.resolve("outside.js")));
    assertThrows(IllegalArgumentException.class, () -> ModuleLoader.nodeModules(dir.resolve("outside.js")));
  }
}
