package dev.qjs.modules;

import static dev.qjs.ModuleLoader.Kind.IMPORT;
import static dev.qjs.ModuleLoader.Kind.REQUIRE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import dev.qjs.ModuleSource.Format;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real npm packages from WebJars on the test class path resolve to the files Node would pick:
 * dayjs 1.11.21, lodash 4.18.1, lodash-es 4.18.1, marked 17.0.1, ajv 8.5.0 (with fast-deep-equal,
 * json-schema-traverse, require-from-string, uri-js, punycode), mustache 4.2.0, handlebars 4.7.7
 * and the scoped @popperjs/core 2.11.8.
 */
class WebJarsTest {
  private static final Pattern REQUIRE_CALL = Pattern.compile("\\brequire\\(\"([^\"]+)\"\\)");
  private static final Pattern IMPORT_FROM =
      Pattern.compile(
          "(?:^\\s*(?:import|export)\\b[^'\";]*?\\bfrom\\s*|^\\s*import\\s*)['\"]([^'\"]+)['\"]",
          Pattern.MULTILINE);

  private final ClassLoader classes = getClass().getClassLoader();
  private final ModuleLoader loader = ModuleLoader.webJars(classes);

  /** A WebJar only a URLClassLoader over dir sees: a Maven version and the directory of its files. */
  private static URLClassLoader webJarIn(Path dir, String artifact, String mavenVersion, String filesVersion)
      throws IOException {
    SampleFiles.write(
        dir,
        "META-INF/maven/org.webjars/" + artifact + "/pom.properties", "version=" + mavenVersion + "\n",
        "META-INF/resources/webjars/" + artifact + "/" + filesVersion + "/index.js", "module.exports = 1");
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
  }

  @Test
  void theWebJarsAreThoseOfTheClassLoaderGiven(@TempDir Path dir) throws IOException {
    try (URLClassLoader only = webJarIn(dir, "only-here", "1.0.0", "1.0.0")) {
      assertEquals("webjar:only-here@1.0.0/index.js", ModuleLoader.webJars(only).resolve("only-here", null, REQUIRE));
      assertNull(ModuleLoader.webJars(only).resolve("dayjs", null, REQUIRE));
      assertNull(loader.resolve("only-here", null, REQUIRE));
    }
  }

  @Test
  void aMavenVersionWithARepackagingSuffixFindsTheFilesUnderTheNpmVersion(@TempDir Path dir)
      throws IOException {
    try (URLClassLoader suffixed = webJarIn(dir, "suffixed", "3.1.1-2", "3.1.1")) {
      assertEquals("webjar:suffixed@3.1.1/index.js", ModuleLoader.webJars(suffixed).resolve("suffixed", null, REQUIRE));
    }
  }

  @Test
  void aPrereleaseVersionKeepsItsSuffix(@TempDir Path dir) throws IOException {
    try (URLClassLoader rc = webJarIn(dir, "pre", "18.0.0-rc.3", "18.0.0-rc.3")) {
      assertEquals("webjar:pre@18.0.0-rc.3/index.js", ModuleLoader.webJars(rc).resolve("pre", null, REQUIRE));
    }
  }

  @ParameterizedTest(name = "{1} {0} is {2} ({3})")
  @CsvSource({
    "dayjs,                      IMPORT,  webjar:dayjs@1.11.21/dayjs.min.js,             COMMONJS",
    "dayjs,                      REQUIRE, webjar:dayjs@1.11.21/dayjs.min.js,             COMMONJS",
    "dayjs/plugin/utc,           IMPORT,  webjar:dayjs@1.11.21/plugin/utc.js,            COMMONJS",
    "dayjs/plugin/utc.js,        REQUIRE, webjar:dayjs@1.11.21/plugin/utc.js,            COMMONJS",
    "dayjs/locale/de,            IMPORT,  webjar:dayjs@1.11.21/locale/de.js,             COMMONJS",
    "dayjs/esm,                  IMPORT,  webjar:dayjs@1.11.21/esm/index.js,             ESM",
    "dayjs/esm/plugin/utc,       IMPORT,  webjar:dayjs@1.11.21/esm/plugin/utc/index.js,  ESM",
    "dayjs/package.json,         REQUIRE, webjar:dayjs@1.11.21/package.json,             JSON",
    "lodash,                     REQUIRE, webjar:lodash@4.18.1/lodash.js,                COMMONJS",
    "lodash/debounce,            REQUIRE, webjar:lodash@4.18.1/debounce.js,              COMMONJS",
    "lodash/fp/map,              REQUIRE, webjar:lodash@4.18.1/fp/map.js,                COMMONJS",
    "lodash-es,                  IMPORT,  webjar:lodash-es@4.18.1/lodash.js,             ESM",
    "lodash-es/debounce.js,      IMPORT,  webjar:lodash-es@4.18.1/debounce.js,           ESM",
    "marked,                     IMPORT,  webjar:marked@17.0.1/lib/marked.esm.js,        ESM",
    "marked,                     REQUIRE, webjar:marked@17.0.1/lib/marked.esm.js,        ESM",
    "marked/bin/marked,          IMPORT,  webjar:marked@17.0.1/bin/marked.js,            ESM",
    "marked/package.json,        IMPORT,  webjar:marked@17.0.1/package.json,             JSON",
    "ajv,                        REQUIRE, webjar:ajv@8.5.0/dist/ajv.js,                  COMMONJS",
    "ajv/dist/2020,              REQUIRE, webjar:ajv@8.5.0/dist/2020.js,                 COMMONJS",
    "fast-deep-equal,            REQUIRE, webjar:fast-deep-equal@3.1.3/index.js,         COMMONJS",
    "json-schema-traverse,       REQUIRE, webjar:json-schema-traverse@1.0.0/index.js,    COMMONJS",
    "require-from-string,        REQUIRE, webjar:require-from-string@2.0.2/index.js,     COMMONJS",
    "uri-js,                     REQUIRE, webjar:uri-js@4.4.1/dist/es5/uri.all.js,       COMMONJS",
    "punycode,                   REQUIRE, webjar:punycode@2.3.1/punycode.js,             COMMONJS",
    "punycode,                   IMPORT,  webjar:punycode@2.3.1/punycode.es6.js,         ESM",
    "mustache,                   IMPORT,  webjar:mustache@4.2.0/mustache.mjs,            ESM",
    "mustache,                   REQUIRE, webjar:mustache@4.2.0/mustache.js,             COMMONJS",
    "mustache/mustache.min.js,   REQUIRE, webjar:mustache@4.2.0/mustache.min.js,         COMMONJS",
    "handlebars,                 REQUIRE, webjar:handlebars@4.7.7/lib/index.js,          COMMONJS",
    "handlebars/runtime,         REQUIRE, webjar:handlebars@4.7.7/runtime.js,            COMMONJS",
    "handlebars/dist/handlebars, REQUIRE, webjar:handlebars@4.7.7/dist/handlebars.js,    COMMONJS",
    "@popperjs/core,             IMPORT,  webjar:@popperjs/core@2.11.8/lib/index.js,     ESM",
    "@popperjs/core,             REQUIRE, webjar:@popperjs/core@2.11.8/dist/cjs/popper.js, COMMONJS",
    "@popperjs/core/lib/popper-lite.js, IMPORT, webjar:@popperjs/core@2.11.8/lib/popper-lite.js, ESM",
  })
  void aBareSpecifierResolvesToTheFileNodeWouldPick(
      String specifier, ModuleLoader.Kind kind, String id, Format format) throws IOException {
    assertEquals(id, loader.resolve(specifier, null, kind));
    ModuleSource source = loader.load(id);
    assertEquals(id, source.id());
    assertEquals(format, source.format());
    assertFalse(source.text().isEmpty());
  }

  @Test
  void relativeImportsStayInThePackageAndProbeExtensions() throws IOException {
    String index = "webjar:dayjs@1.11.21/esm/index.js";
    assertEquals("webjar:dayjs@1.11.21/esm/constant.js", loader.resolve("./constant", index, IMPORT));
    assertEquals("webjar:dayjs@1.11.21/esm/locale/en.js", loader.resolve("./locale/en", index, IMPORT));
    assertEquals("webjar:ajv@8.5.0/dist/compile/index.js", loader.resolve("./compile", "webjar:ajv@8.5.0/dist/core.js", REQUIRE));
  }

  @Test
  void aPackageFindsItsDependenciesAmongTheWebJars() throws IOException {
    String resolveJs = "webjar:ajv@8.5.0/dist/compile/resolve.js";
    assertEquals("webjar:uri-js@4.4.1/dist/es5/uri.all.js", loader.resolve("uri-js", resolveJs, REQUIRE));
    assertEquals("webjar:fast-deep-equal@3.1.3/index.js", loader.resolve("fast-deep-equal", resolveJs, REQUIRE));
  }

  @Test
  void everyRequireInAjvResolves() throws IOException {
    assertEveryDependencyResolves("ajv", "8.5.0", REQUIRE_CALL, REQUIRE, 60);
  }

  @Test
  void everyImportInDayjsEsmAndLodashEsResolves() throws IOException {
    assertEveryDependencyResolves("dayjs", "1.11.21", IMPORT_FROM, IMPORT, 6);
    assertEveryDependencyResolves("lodash-es", "4.18.1", IMPORT_FROM, IMPORT, 600);
  }

  @Test
  void formatsOfEveryFileInARealPackageAreRight() throws IOException {
    ModuleLoader fresh = ModuleLoader.webJars(classes); // no hints from earlier resolutions
    int esm = 0;
    int cjs = 0;
    for (String file : packageFiles("dayjs", "1.11.21")) {
      if (file.endsWith(".js")) {
        Format f = fresh.load("webjar:dayjs@1.11.21/" + file).format();
        assertEquals(file.startsWith("esm/") ? Format.ESM : Format.COMMONJS, f, file);
        if (f == Format.ESM) {
          esm++;
        } else {
          cjs++;
        }
      }
    }
    assertTrue(esm > 100 && cjs > 100, esm + " ESM, " + cjs + " CommonJS");
    for (String file : packageFiles("ajv", "8.5.0")) {
      if (file.endsWith(".js") && file.startsWith("dist/")) {
        assertEquals(Format.COMMONJS, fresh.load("webjar:ajv@8.5.0/" + file).format(), file);
      }
    }
    for (String file : packageFiles("lodash", "4.18.1")) {
      if (file.endsWith(".js")) {
        assertEquals(Format.COMMONJS, fresh.load("webjar:lodash@4.18.1/" + file).format(), file);
      }
    }
    // no package.json type, no hint: its export statements decide
    assertEquals(Format.ESM, fresh.load("webjar:punycode@2.3.1/punycode.es6.js").format());
    assertEquals(Format.ESM, fresh.load("webjar:handlebars@4.7.7/lib/handlebars.js").format());
    assertEquals(Format.COMMONJS, fresh.load("webjar:handlebars@4.7.7/dist/cjs/handlebars.js").format());
  }

  @Test
  void aSubpathTheExportsDoNotListIsRefused() {
    ModuleNotFoundException e =
        assertThrows(ModuleNotFoundException.class, () -> loader.resolve("marked/lib/marked.umd.js", null, IMPORT));
    assertEquals(
        "Cannot find module 'marked/lib/marked.umd.js' imported from a top-level script: \"exports\" in "
            + "webjar:marked@17.0.1/package.json has no entry for './lib/marked.umd.js' under the conditions "
            + "\"import\", \"module\", \"default\"",
        e.getMessage());
  }

  @Test
  void aMissingFileOfAPresentPackageIsNotFound() {
    ModuleNotFoundException e =
        assertThrows(ModuleNotFoundException.class, () -> loader.resolve("dayjs/plugin/nope", null, IMPORT));
    assertTrue(e.getMessage().contains("the package dayjs has no such file"), e.getMessage());
    assertTrue(e.tried().contains("webjar:dayjs@1.11.21/plugin/nope.js"), e.tried().toString());
  }

  @Test
  void aPackageWithNoWebJarIsNotThisLoadersBusiness() throws IOException {
    assertNull(loader.resolve("left-pad", null, IMPORT));
    assertNull(loader.resolve("@nobody/nothing", null, IMPORT));
    assertNull(loader.resolve("json-logic-js", null, REQUIRE), "no WebJar of json-logic-js is served");
    assertNull(loader.resolve("./dayjs.min.js", null, IMPORT));
    assertNull(loader.resolve("/dayjs.min.js", null, IMPORT));
    assertNull(loader.resolve("./x.js", "/some/file.js", IMPORT));
  }

  @Test
  void aRelativePathCannotClimbOutOfTheWebJars() {
    ModuleNotFoundException e =
        assertThrows(
            ModuleNotFoundException.class,
            () -> loader.resolve("../../../../x.js", "webjar:dayjs@1.11.21/plugin/utc.js", IMPORT));
    assertTrue(e.getMessage().contains("refused: the path climbs above the root"), e.getMessage());
    assertThrows(
        ModuleNotFoundException.class,
        () -> loader.resolve("../../../x.js", "webjar:dayjs@1.11.21/plugin/utc.js", IMPORT));
  }

  @Test
  void idsResolveToThemselvesAndForeignOrMalformedIdsAreNotLoaded() throws IOException {
    String id = "webjar:@popperjs/core@2.11.8/lib/index.js";
    assertEquals(id, loader.resolve(id, null, IMPORT));
    assertNotNull(loader.load(id));
    for (String other :
        new String[] {
          "webjar:dayjs/dayjs.min.js", "webjar:@popperjs@2.11.8/lib/index.js", "webjar:dayjs@1.11.21",
          "webjar:dayjs@1.11.21/../lodash/4.18.1/lodash.js", "classpath:dayjs.min.js", "dayjs.min.js",
        }) {
      assertNull(loader.load(other), other);
    }
  }

  private List<String> packageFiles(String artifact, String version) throws IOException {
    URL pom = classes.getResource("META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties");
    assertNotNull(pom, artifact);
    String prefix = "META-INF/resources/webjars/" + artifact + "/" + version + "/";
    List<String> files = new ArrayList<>();
    JarFile jar = ((JarURLConnection) pom.openConnection()).getJarFile();
    for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
      if (!e.isDirectory() && e.getName().startsWith(prefix)) {
        files.add(e.getName().substring(prefix.length()));
      }
    }
    return files;
  }

  private void assertEveryDependencyResolves(
      String artifact, String version, Pattern dependency, ModuleLoader.Kind kind, int atLeast)
      throws IOException {
    Set<String> seen = new LinkedHashSet<>();
    for (String file : packageFiles(artifact, version)) {
      if (!file.endsWith(".js") || (artifact.equals("dayjs") && !file.startsWith("esm/"))) {
        continue;
      }
      String id = "webjar:" + artifact + "@" + version + "/" + file;
      Matcher m = dependency.matcher(loader.load(id).text());
      while (m.find()) {
        String specifier = m.group(1);
        String resolved = loader.resolve(specifier, id, kind);
        assertNotNull(resolved, specifier + " from " + id);
        assertNotNull(loader.load(resolved), resolved);
        seen.add(specifier);
      }
    }
    assertTrue(seen.size() >= atLeast, artifact + ": only " + seen.size() + " distinct specifiers: " + seen);
  }
}
