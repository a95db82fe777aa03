package dev.qjs.modules;

import static dev.qjs.ModuleLoader.Kind.IMPORT;
import static dev.qjs.ModuleLoader.Kind.REQUIRE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import dev.qjs.ModuleSource.Format;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Modules from a map and from class path resources. */
class MapAndClasspathLoaderTest {
  @Nested
  class InMemory {
    private final ModuleLoader loader =
        ModuleLoader.ofMap(
            Map.of(
                "main.js", "import { u } from './lib/util.js'",
                "/lib/util.js", "export const u = 1",
                "./lib/index.js", "export * from './util.js'",
                "lib\\plain.js", "globalThis.seen = true",
                "data.json", "{\"x\": 1}",
                "legacy.cjs", "module.exports = 1",
                "legacy.js", "module.exports = require('./legacy.cjs')",
                "node:path", "export const sep = '/'"));

    @Test
    void namesAreNormalizedIntoIds() throws IOException {
      assertEquals("lib/util.js", loader.resolve("./lib/util.js", null, IMPORT));
      assertEquals("lib/util.js", loader.resolve("/lib/util.js", null, IMPORT));
      assertEquals("lib/util.js", loader.resolve("lib/util.js", null, IMPORT));
      assertEquals("lib/plain.js", loader.resolve("lib/plain", null, IMPORT));
    }

    @Test
    void relativeSpecifiersFollowTheImportingModule() throws IOException {
      assertEquals("lib/index.js", loader.resolve("./index.js", "lib/util.js", IMPORT));
      assertEquals("main.js", loader.resolve("../main.js", "lib/util.js", IMPORT));
      assertEquals("lib/index.js", loader.resolve("./lib", "main.js", IMPORT));
      assertEquals("data.json", loader.resolve("../data", "lib/util.js", REQUIRE));
    }

    @Test
    void aNameLikeABuiltInCanBeProvided() throws IOException {
      assertEquals("node:path", loader.resolve("node:path", "main.js", IMPORT));
      assertNull(loader.resolve("node:fs", "main.js", IMPORT));
    }

    @Test
    void missingNamesAndEscapes() throws IOException {
      assertNull(loader.resolve("nothing", null, IMPORT));
      ModuleNotFoundException e =
          assertThrows(ModuleNotFoundException.class, () -> loader.resolve("./nothing.js", "main.js", IMPORT));
      assertEquals(
          "Cannot find module './nothing.js' imported from main.js: no such file (tried nothing.js, "
              + "nothing.js.js, nothing.js.mjs, nothing.js.cjs, nothing.js.json, nothing.js/index.js, "
              + "nothing.js/index.mjs, nothing.js/index.cjs, nothing.js/index.json)",
          e.getMessage());
      assertTrue(
          assertThrows(ModuleNotFoundException.class, () -> loader.resolve("../x.js", "main.js", IMPORT))
              .getMessage()
              .contains("refused: the path climbs above the root of the in-memory modules"));
      assertThrows(ModuleNotFoundException.class, () -> loader.resolve("/../x.js", null, IMPORT));
    }

    @Test
    void formatsFollowExtensionsThenTheSource() throws IOException {
      assertEquals(Format.ESM, loader.load("main.js").format());
      assertEquals(Format.ESM, loader.load("lib/plain.js").format(), "ESM by default");
      assertEquals(Format.COMMONJS, loader.load("legacy.cjs").format());
      assertEquals(Format.COMMONJS, loader.load("legacy.js").format(), "require() shows CommonJS");
      assertEquals(Format.JSON, loader.load("data.json").format());
      assertEquals("{\"x\": 1}", loader.load("data.json").text());
      assertNull(loader.load("lib/nothing.js"));
    }

    @Test
    void theMapIsCopied() throws IOException {
      Map<String, String> sources = new HashMap<>(Map.of("a.js", "1"));
      ModuleLoader copy = ModuleLoader.ofMap(sources);
      sources.put("b.js", "2");
      assertNull(copy.resolve("b.js", null, IMPORT));
    }

    @Test
    void badNamesAreRejectedWhenTheLoaderIsMade() {
      for (String name : new String[] {"", "/", ".", "../x.js", "a/../../x.js", "a\0.js"}) {
        assertThrows(IllegalArgumentException.class, () -> ModuleLoader.ofMap(Map.of(name, "")), name);
      }
      assertThrows(
          IllegalArgumentException.class, () -> ModuleLoader.ofMap(Map.of("a.js", "1", "./a.js", "2")));
    }
  }

  @Nested
  class Classpath {
    private final ClassLoader classes = getClass().getClassLoader();
    private final ModuleLoader loader = ModuleLoader.classpath(classes, "dev/qjs/modules/scripts");
    private static final String ROOT = "classpath:dev/qjs/modules/scripts/";

    @Test
    void resourcesBelowTheRootResolve() throws IOException {
      assertEquals(ROOT + "main.js", loader.resolve("main.js", null, IMPORT));
      assertEquals(ROOT + "main.js", loader.resolve("/main", null, IMPORT));
      assertEquals(ROOT + "lib/util.js", loader.resolve("./util.js", ROOT + "lib/index.js", IMPORT));
      assertEquals(ROOT + "data.json", loader.resolve("../data.json", ROOT + "lib/util.js", IMPORT));
      assertEquals(ROOT + "lib/util.js", loader.resolve(ROOT + "lib/util.js", null, IMPORT));
    }

    @Test
    void aDirectoryResourceIsNotAFile() throws IOException {
      // the class path answers for "lib" (a directory): its index is found instead
      assertEquals(ROOT + "lib/index.js", loader.resolve("lib", null, IMPORT));
      assertEquals(ROOT + "lib/index.js", loader.resolve("./lib/", null, IMPORT));
    }

    @Test
    void loadingGivesTheResourceAndItsFormat() throws IOException {
      ModuleSource main = loader.load(ROOT + "main.js");
      assertEquals(ROOT + "main.js", main.id());
      assertTrue(main.text().startsWith("import { twice } from './lib/util.js';"));
      assertEquals(Format.ESM, main.format());
      assertEquals(Format.JSON, loader.load(ROOT + "data.json").format());
      assertEquals(Format.COMMONJS, loader.load(ROOT + "legacy.cjs").format());
      assertNull(loader.load("classpath:dev/qjs/modules/secret.js"));
      assertNull(loader.load(ROOT + "../secret.js"));
      assertNull(loader.load("main.js"));
    }

    @Test
    void nothingAboveTheRootCanBeReached() throws IOException {
      assertNotNull(classes.getResource("dev/qjs/modules/secret.js"));
      for (String s : new String[] {"../secret.js", "lib/../../secret.js", "/../secret.js", "..\\secret.js"}) {
        String m = assertThrows(ModuleNotFoundException.class, () -> loader.resolve(s, null, IMPORT)).getMessage();
        assertTrue(m.contains("refused: the path climbs above the root " + ROOT), m);
      }
      assertNull(loader.resolve("classpath:dev/qjs/modules/secret.js", null, IMPORT));
      assertNull(loader.resolve(ROOT + "../secret.js", null, IMPORT));
    }

    @Test
    void resourcesInJarsResolveAndTheirDirectoriesAreNotFiles() throws IOException {
      ModuleLoader popper = ModuleLoader.classpath(classes, "/META-INF/resources/webjars/popperjs__core/2.11.8/");
      String root = "classpath:META-INF/resources/webjars/popperjs__core/2.11.8/";
      assertEquals(root + "lib/index.js", popper.resolve("lib/index", null, IMPORT));
      assertEquals(root + "lib/index.js", popper.resolve("lib", null, IMPORT));
      // the jar has an entry "dist/" and no dist/index.*
      assertNull(popper.resolve("dist", null, IMPORT));
      assertTrue(popper.load(root + "lib/index.js").text().contains("export"));
    }

    @Test
    void aRootAboveTheClassPathIsRejected() {
      assertThrows(IllegalArgumentException.class, () -> ModuleLoader.classpath(classes, "../x"));
      assertThrows(IllegalArgumentException.class, () -> ModuleLoader.classpath(classes, "a\0b"));
    }
  }
}
