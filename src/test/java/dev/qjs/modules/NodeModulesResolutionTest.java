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
import dev.qjs.ModuleSource.Format;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Node's resolution in a project directory: packages, exports, imports, fallbacks. */
class NodeModulesResolutionTest {
  @TempDir Path dir;
  private Path root;
  private ModuleLoader loader;

  @BeforeEach
  void project() throws IOException {
    root = dir.resolve("project");
    SampleFiles.write(
        root,
        "package.json",
        "{\"name\": \"app\", \"type\": \"module\", \"imports\": {"
            + "\"#util\": \"./src/util.js\", \"#lib/*\": \"./src/lib/*.js\", \"#dep\": \"dep-main\","
            + "\"#cond\": {\"import\": \"./src/esm.js\", \"require\": \"./src/cjs.cjs\"},"
            + "\"#gone\": \"./src/gone.js\", \"#bad\": \"../outside.js\"},"
            + "\"exports\": {\".\": \"./src/main.js\", \"./util\": \"./src/util.js\"}}",
        "src/main.js", "export default 1",
        "src/util.js", "export const u = 1",
        "src/lib/a.js", "export const a = 1",
        "src/esm.js", "export default 'esm'",
        "src/cjs.cjs", "module.exports = 'cjs'",
        "src/data.json", "{\"x\": 1}",
        "src/dir/index.js", "export default 'index'",
        "src/nested/deep/x.js", "export default 'x'",
        "src/node_modules/inner/index.js", "module.exports = 'near'",
        "node_modules/inner/index.js", "module.exports = 'far'",
        // "main" without an extension, "module" for import, index files, a bare file
        "node_modules/dep-main/package.json", "{\"name\": \"dep-main\", \"main\": \"lib/entry\"}",
        "node_modules/dep-main/lib/entry.js", "module.exports = 'entry'",
        "node_modules/dep-main/index.js", "module.exports = 'not this'",
        "node_modules/dep-main/extra/helper.js", "module.exports = 'helper'",
        "node_modules/dep-module/package.json", "{\"main\": \"cjs.js\", \"module\": \"esm.js\"}",
        "node_modules/dep-module/cjs.js", "module.exports = 1",
        "node_modules/dep-module/esm.js", "var x = 1; export default x",
        "node_modules/dep-index/index.js", "module.exports = 'index'",
        "node_modules/dep-file.js", "module.exports = 'file'",
        "node_modules/dep-lost-main/package.json", "{\"main\": \"nope.js\"}",
        "node_modules/dep-lost-main/index.js", "module.exports = 'fallback'",
        "node_modules/dep-main-dir/package.json", "{\"main\": \"./lib\"}",
        "node_modules/dep-main-dir/lib/index.js", "module.exports = 'lib index'",
        // exports of every form
        "node_modules/dep-string/package.json", "{\"exports\": \"./only.js\"}",
        "node_modules/dep-string/only.js", "module.exports = 'only'",
        "node_modules/dep-string/other.js", "module.exports = 'hidden'",
        "node_modules/dep-sugar/package.json",
        "{\"exports\": {\"import\": \"./m.mjs\", \"require\": \"./c.cjs\"}}",
        "node_modules/dep-sugar/m.mjs", "export default 1",
        "node_modules/dep-sugar/c.cjs", "module.exports = 1",
        "node_modules/dep-exports/package.json",
        "{\"name\": \"dep-exports\", \"main\": \"ignored.js\", \"exports\": {"
            + "\".\": {\"import\": \"./esm/index.js\", \"require\": \"./cjs/index.cjs\"},"
            + "\"./feature\": {\"node\": \"./feature-node.js\", \"browser\": \"./feature-browser.js\","
            + " \"default\": \"./feature.js\"},"
            + "\"./utils/*\": \"./src/utils/*.js\","
            + "\"./utils/private/*\": null,"
            + "\"./utils/special\": \"./src/special.js\","
            + "\"./data/*.json\": \"./data/*.json\","
            + "\"./package.json\": \"./package.json\","
            + "\"./nested\": {\"import\": {\"types\": \"./nested.d.ts\", \"default\": \"./nested.js\"},"
            + " \"require\": [\"invalid-target\", \"./nested.cjs\"]},"
            + "\"./fallbacks\": [\"./missing-but-valid.js\"],"
            + "\"./escape\": \"./../outside.js\","
            + "\"./into-modules\": \"./node_modules/x.js\","
            + "\"./gone\": \"./gone.js\"}}",
        "node_modules/dep-exports/ignored.js", "",
        "node_modules/dep-exports/esm/index.js", "export default 1",
        "node_modules/dep-exports/cjs/index.cjs", "module.exports = 1",
        "node_modules/dep-exports/feature.js", "module.exports = 1",
        "node_modules/dep-exports/feature-node.js", "",
        "node_modules/dep-exports/feature-browser.js", "",
        "node_modules/dep-exports/src/utils/a.js", "module.exports = 1",
        "node_modules/dep-exports/src/utils/deep/b.js", "module.exports = 1",
        "node_modules/dep-exports/src/utils/private/secret.js", "module.exports = 1",
        "node_modules/dep-exports/src/special.js", "module.exports = 1",
        "node_modules/dep-exports/data/x.json", "{}",
        "node_modules/dep-exports/nested.js", "globalThis.x = 1",
        "node_modules/dep-exports/nested.cjs", "module.exports = 1",
        "node_modules/dep-mixed/package.json", "{\"exports\": {\".\": \"./a.js\", \"import\": \"./b.js\"}}",
        "node_modules/dep-numeric/package.json", "{\"exports\": {\".\": {\"0\": \"./a.js\"}}}",
        "node_modules/dep-broken/package.json", "{\"main\": ",
        "node_modules/@scope/pkg/package.json", "{\"name\": \"@scope/pkg\", \"main\": \"dist/index.js\"}",
        "node_modules/@scope/pkg/dist/index.js", "module.exports = 1",
        "node_modules/@scope/pkg/dist/sub.js", "module.exports = 1",
        "node_modules/@scope/pkg/node_modules/private-dep/index.js", "module.exports = 1",
        "node_modules/typed/package.json", "{\"type\": \"module\", \"main\": \"index.js\"}",
        "node_modules/typed/index.js", "module.exports = 'looks like cjs, typed as module'",
        "node_modules/typed/legacy/package.json", "{\"type\": \"commonjs\"}",
        "node_modules/typed/legacy/a.js", "export default 'typed as commonjs'");
    loader = ModuleLoader.nodeModules(root);
  }

  private String id(String path) throws IOException {
    return root.toRealPath().resolve(path).toString();
  }

  private String resolve(String specifier, String referrer, ModuleLoader.Kind kind) throws IOException {
    return loader.resolve(specifier, referrer.isEmpty() ? null : id(referrer), kind);
  }

  @ParameterizedTest(name = "{0} from ''{1}'' ({2}) is {3}")
  @CsvSource({
    // relative, with extension probing and index files
    "./src/main.js,       '',                   IMPORT,  src/main.js",
    "./src/main,          '',                   IMPORT,  src/main.js",
    "./util,              src/main.js,          IMPORT,  src/util.js",
    "./data,              src/main.js,          REQUIRE, src/data.json",
    "./dir,               src/main.js,          IMPORT,  src/dir/index.js",
    "./dir/,              src/main.js,          IMPORT,  src/dir/index.js",
    "../../main.js,       src/nested/deep/x.js, IMPORT,  src/main.js",
    "../esm.js,           src/lib/a.js,         IMPORT,  src/esm.js",
    // node_modules, nearest first, walking up from the importing module
    "inner,               src/main.js,          REQUIRE, src/node_modules/inner/index.js",
    "inner,               src/nested/deep/x.js, REQUIRE, src/node_modules/inner/index.js",
    "inner,               '',                   REQUIRE, node_modules/inner/index.js",
    // main, module, index, bare file
    "dep-main,            src/main.js,          REQUIRE, node_modules/dep-main/lib/entry.js",
    "dep-main/extra/helper, src/main.js,        REQUIRE, node_modules/dep-main/extra/helper.js",
    "dep-module,          src/main.js,          IMPORT,  node_modules/dep-module/esm.js",
    "dep-module,          src/main.js,          REQUIRE, node_modules/dep-module/cjs.js",
    "dep-index,           '',                   REQUIRE, node_modules/dep-index/index.js",
    "dep-file,            '',                   REQUIRE, node_modules/dep-file.js",
    "dep-lost-main,       '',                   REQUIRE, node_modules/dep-lost-main/index.js",
    "dep-main-dir,        '',                   REQUIRE, node_modules/dep-main-dir/lib/index.js",
    // exports: string, condition sugar, conditions, patterns, nested conditions, arrays
    "dep-string,          '',                   IMPORT,  node_modules/dep-string/only.js",
    "dep-sugar,           '',                   IMPORT,  node_modules/dep-sugar/m.mjs",
    "dep-sugar,           '',                   REQUIRE, node_modules/dep-sugar/c.cjs",
    "dep-exports,         '',                   IMPORT,  node_modules/dep-exports/esm/index.js",
    "dep-exports,         '',                   REQUIRE, node_modules/dep-exports/cjs/index.cjs",
    "dep-exports/feature, '',                   IMPORT,  node_modules/dep-exports/feature.js",
    "dep-exports/utils/a, '',                   REQUIRE, node_modules/dep-exports/src/utils/a.js",
    "dep-exports/utils/deep/b, '',              REQUIRE, node_modules/dep-exports/src/utils/deep/b.js",
    "dep-exports/utils/special, '',             REQUIRE, node_modules/dep-exports/src/special.js",
    "dep-exports/data/x.json, '',               IMPORT,  node_modules/dep-exports/data/x.json",
    "dep-exports/package.json, '',              REQUIRE, node_modules/dep-exports/package.json",
    "dep-exports/nested,  '',                   IMPORT,  node_modules/dep-exports/nested.js",
    "dep-exports/nested,  '',                   REQUIRE, node_modules/dep-exports/nested.cjs",
    // scoped packages, deep imports, a package's own node_modules
    "@scope/pkg,          '',                   REQUIRE, node_modules/@scope/pkg/dist/index.js",
    "@scope/pkg/dist/sub, '',                   REQUIRE, node_modules/@scope/pkg/dist/sub.js",
    "private-dep,         node_modules/@scope/pkg/dist/index.js, REQUIRE, node_modules/@scope/pkg/node_modules/private-dep/index.js",
    // the project's own package: self-reference and "imports"
    "app,                 src/lib/a.js,         IMPORT,  src/main.js",
    "app/util,            src/lib/a.js,         IMPORT,  src/util.js",
    "#util,               src/nested/deep/x.js, IMPORT,  src/util.js",
    "#lib/a,              src/main.js,          IMPORT,  src/lib/a.js",
    "#dep,                src/main.js,          REQUIRE, node_modules/dep-main/lib/entry.js",
    "#cond,               src/main.js,          IMPORT,  src/esm.js",
    "#cond,               src/main.js,          REQUIRE, src/cjs.cjs",
  })
  void resolvesLikeNode(String specifier, String referrer, ModuleLoader.Kind kind, String expected)
      throws IOException {
    assertEquals(id(expected), resolve(specifier, referrer, kind));
  }

  @Test
  void aBackslashSeparatesLikeASlash() throws IOException {
    assertEquals(id("src/util.js"), resolve(".\\util", "src/main.js", IMPORT));
    assertEquals(id("node_modules/@scope/pkg/dist/sub.js"), resolve("@scope\\pkg\\dist\\sub", "", REQUIRE));
  }

  @Test
  void aPackageThatIsNowhereIsNotThisLoadersBusiness() throws IOException {
    assertNull(resolve("left-pad", "src/main.js", IMPORT));
    assertNull(resolve("@nobody/nothing", "", REQUIRE));
    assertNull(resolve("node:fs", "src/main.js", IMPORT));
    assertNull(resolve("https://example.invalid/x.js", "", IMPORT));
  }

  @Test
  void aRelativeSpecifierFromAnotherLoadersModuleIsNotThisLoadersBusiness() throws IOException {
    assertNull(loader.resolve("./util.js", "classpath:scripts/main.js", IMPORT));
    assertNull(loader.resolve("./util.js", "lib/main.js", IMPORT));
  }

  @Test
  void aBareSpecifierFromAnotherLoadersModuleIsLookedUpFromTheRoot() throws IOException {
    assertEquals(id("node_modules/inner/index.js"), loader.resolve("inner", "main.js", REQUIRE));
  }

  @Nested
  class Failures {
    private ModuleNotFoundException fails(String specifier, String referrer, ModuleLoader.Kind kind) {
      return assertThrows(ModuleNotFoundException.class, () -> resolve(specifier, referrer, kind));
    }

    @Test
    void aMissingRelativeFileNamesTheSpecifierTheReferrerAndTheCandidates() throws IOException {
      ModuleNotFoundException e = fails("./missing", "src/main.js", IMPORT);
      String m = e.getMessage();
      assertTrue(m.startsWith("Cannot find module './missing' imported from " + id("src/main.js")), m);
      assertTrue(e.tried().contains(id("src/missing.js")), e.tried().toString());
      assertTrue(e.tried().contains(id("src/missing/index.json")), e.tried().toString());
      assertTrue(m.contains(id("src/missing.mjs")), m);
      assertEquals("./missing", e.specifier());
      assertEquals(id("src/main.js"), e.referrer());
    }

    @Test
    void aSubpathThatIsNotExportedIsRefusedEvenWhenTheFileExists() {
      String m = fails("dep-string/other.js", "", IMPORT).getMessage();
      assertTrue(m.contains("has no entry for './other.js'"), m);
      assertTrue(m.contains("dep-string/package.json"), m);
      assertTrue(fails("dep-exports/ignored.js", "", REQUIRE).getMessage().contains("\"require\", \"default\""));
    }

    @Test
    void aNullTargetExcludesASubpath() {
      assertTrue(fails("dep-exports/utils/private/secret", "", IMPORT).getMessage().contains("no entry"));
    }

    @Test
    void conditionsWeDoNotClaimAreSkipped() throws IOException {
      // "node" and "browser" are not ours: the feature resolves to "default"
      assertEquals(id("node_modules/dep-exports/feature.js"), resolve("dep-exports/feature", "", REQUIRE));
    }

    @Test
    void anExportedFileThatIsMissingIsNotFound() {
      assertTrue(fails("dep-exports/gone", "", IMPORT).getMessage().contains("names a file that is missing"));
      assertTrue(fails("dep-exports/fallbacks", "", IMPORT).getMessage().contains("missing"));
    }

    @Test
    void exportTargetsCannotLeaveThePackage() {
      assertTrue(fails("dep-exports/escape", "", IMPORT).getMessage().contains("'..'"));
      assertTrue(fails("dep-exports/into-modules", "", IMPORT).getMessage().contains("node_modules"));
      assertTrue(fails("dep-exports/utils/../../../../outside", "", IMPORT).getMessage().contains("'*'"));
    }

    @Test
    void invalidPackageConfigurationsAreExplained() {
      assertTrue(fails("dep-mixed", "", IMPORT).getMessage().contains("mixes subpaths"));
      assertTrue(fails("dep-numeric", "", IMPORT).getMessage().contains("numbers"));
      assertTrue(fails("dep-broken", "", REQUIRE).getMessage().contains("not valid JSON"));
    }

    @Test
    void aFileMissingFromAPackageThatExistsIsNotFound() {
      String m = fails("dep-main/nope", "", REQUIRE).getMessage();
      assertTrue(m.contains("the package dep-main has no such file"), m);
    }

    @Test
    void importsThatDoNotMatchFail() {
      assertTrue(fails("#nope", "src/main.js", IMPORT).getMessage().contains("\"imports\""));
      assertTrue(fails("#gone", "src/main.js", IMPORT).getMessage().contains("missing"));
      assertTrue(fails("#bad", "src/main.js", IMPORT).getMessage().contains("does not start with ./"));
      assertTrue(fails("#", "src/main.js", IMPORT).getMessage().contains("not a valid"));
    }

    @Test
    void aScopeWithoutANameIsNotAPackageName() {
      assertTrue(fails("@scope", "", IMPORT).getMessage().contains("not a valid package name"));
      assertTrue(fails("@scope/", "", IMPORT).getMessage().contains("not a valid package name"));
    }

    @Test
    void aPathAboveTheProjectIsRefused() {
      assertTrue(fails("../outside.js", "", IMPORT).getMessage().contains("refused"));
      assertTrue(fails("inner/../../../outside", "", IMPORT).getMessage().contains("refused"));
      assertTrue(fails(dir.resolve("outside.js").toString(), "", IMPORT).getMessage().contains("refused"));
    }

    @Test
    void aPackageLinkedFromOutsideTheProjectIsRefused() throws IOException {
      SampleFiles.write(dir, "elsewhere/linked/index.js", "module.exports = 1");
      assumeTrue(SampleFiles.link(root.resolve("node_modules/linked"), dir.resolve("elsewhere/linked")));
      String m = fails("linked", "", REQUIRE).getMessage();
      assertTrue(m.contains("refused") && m.contains("symbolic link"), m);
    }
  }

  @Test
  void aPackageLinkedInsideTheProjectResolvesToItsRealPath() throws IOException {
    SampleFiles.write(root, "node_modules/.store/real@1.0.0/node_modules/real/index.js", "module.exports = 1");
    assumeTrue(
        SampleFiles.link(
            root.resolve("node_modules/real"),
            root.resolve("node_modules/.store/real@1.0.0/node_modules/real")));
    assertEquals(id("node_modules/.store/real@1.0.0/node_modules/real/index.js"), resolve("real", "", REQUIRE));
  }

  @Nested
  class Formats {
    private Format format(String specifier, ModuleLoader.Kind kind) throws IOException {
      return loader.load(resolve(specifier, "src/main.js", kind)).format();
    }

    @Test
    void typeModuleMakesJsFilesEsm() throws IOException {
      assertEquals(Format.ESM, format("./util.js", IMPORT));
      assertEquals(Format.ESM, format("typed", REQUIRE));
    }

    @Test
    void typeCommonJsWinsOverTheSource() throws IOException {
      assertEquals(Format.COMMONJS, loader.load(id("node_modules/typed/legacy/a.js")).format());
    }

    @Test
    void extensionsDecideFirst() throws IOException {
      assertEquals(Format.COMMONJS, format("#cond", REQUIRE));
      assertEquals(Format.ESM, format("dep-sugar", IMPORT));
      assertEquals(Format.JSON, format("./data", REQUIRE));
    }

    @Test
    void aModuleFieldOrImportConditionMakesAnUntypedFileEsm() throws IOException {
      assertEquals(Format.ESM, format("dep-module", IMPORT));
      // nested.js has no import/export: the "import" condition that led to it decides
      assertEquals(Format.ESM, format("dep-exports/nested", IMPORT));
    }

    @Test
    void anUntypedFileShowingNothingIsCommonJs() throws IOException {
      assertEquals(Format.COMMONJS, format("dep-main", REQUIRE));
      assertEquals(Format.COMMONJS, format("dep-exports/feature", REQUIRE));
    }

    @Test
    void aLoadedSourceKeepsTheIdAndText() throws IOException {
      String id = resolve("dep-index", "", REQUIRE);
      assertEquals(id, loader.load(id).id());
      assertEquals("module.exports = 'index'", loader.load(id).text());
    }
  }

  /** A package.json written to hurt: what JSON.parse would accept resolves, the rest names the file. */
  @Nested
  class HostilePackageJson {
    private Path write(String name, byte[] packageJson) throws IOException {
      Path pkg = Files.createDirectories(root.resolve("node_modules").resolve(name));
      Files.write(pkg.resolve("package.json"), packageJson);
      Files.writeString(pkg.resolve("index.js"), "module.exports = 'index'");
      Files.writeString(pkg.resolve("first.js"), "module.exports = 1");
      Files.writeString(pkg.resolve("second.js"), "module.exports = 2");
      return pkg.resolve("package.json").toRealPath();
    }

    private Path write(String name, String packageJson) throws IOException {
      return write(name, packageJson.getBytes(StandardCharsets.UTF_8));
    }

    private String invalid(String name, Path file) {
      String m = assertThrows(ModuleNotFoundException.class, () -> resolve(name, "", REQUIRE)).getMessage();
      assertTrue(m.contains(file + " is not valid JSON"), m);
      return m;
    }

    @Test
    void aHugePackageJsonIsReadWhole() throws IOException {
      String padding = "x".repeat(4 << 20);
      write("huge", "{\"description\": \"" + padding + "\", \"main\": \"second.js\"}");
      assertEquals(id("node_modules/huge/second.js"), resolve("huge", "", REQUIRE));
    }

    @Test
    void deepNestingIsInvalidNotAStackOverflow() throws IOException {
      Path file = write("deep", "{\"exports\": " + "[".repeat(200_000) + "]".repeat(200_000) + "}");
      assertTrue(invalid("deep", file).contains("nesting deeper than 64"));
    }

    @Test
    void invalidUtf8InAStringIsReadAsReplacementCharactersAsNodeReadsIt() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.writeBytes("{\"description\": \"".getBytes(StandardCharsets.UTF_8));
      bytes.writeBytes(new byte[] {(byte) 0xff, (byte) 0xc3, (byte) 0x28, (byte) 0xed, (byte) 0xa0, (byte) 0x80});
      bytes.writeBytes("\", \"main\": \"second.js\"}".getBytes(StandardCharsets.UTF_8));
      write("bad-bytes", bytes.toByteArray());
      assertEquals(id("node_modules/bad-bytes/second.js"), resolve("bad-bytes", "", REQUIRE));
    }

    @Test
    void invalidUtf8OutsideAStringIsInvalidJson() throws IOException {
      Path file = write("bad-bytes-outside", new byte[] {'{', (byte) 0xff, '}'});
      assertTrue(invalid("bad-bytes-outside", file).contains("expected a property name"));
    }

    @Test
    void aDuplicateKeyTakesTheLastValueAsJsonParseDoes() throws IOException {
      write("twice", "{\"main\": \"first.js\", \"main\": \"second.js\"}");
      assertEquals(id("node_modules/twice/second.js"), resolve("twice", "", REQUIRE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "+1", "1.", ".5", "-", "1e", "1e+", "0x10", "NaN", "Infinity", "1_000"})
    void aNumberJsonParseRejectsIsInvalidJson(String number) throws IOException {
      Path file = write("num", "{\"main\": \"first.js\", \"version\": " + number + "}");
      invalid("num", file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "10", "1.5", "-1.5e3", "2E-2", "1e+2"})
    void aNumberJsonParseAcceptsIsRead(String number) throws IOException {
      write("num", "{\"main\": \"second.js\", \"version\": " + number + "}");
      assertEquals(id("node_modules/num/second.js"), resolve("num", "", REQUIRE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[]", "\"main\"", "{\"main\": \"first.js\"} {}", "{\"main\": 'first.js'}",
        "{main: \"first.js\"}", "{\"main\": \"first.js\",}", "{\"a\": \"\\x\"}", "{\"a\": \"\\u12\"}",
        "{\"a\": \"tab\there\"}", "{\"a\": tru}", "\u0000"})
    void malformedJsonIsInvalidAndNamesTheFile(String text) throws IOException {
      Path file = write("broken", text);
      String m = assertThrows(ModuleNotFoundException.class, () -> resolve("broken", "", REQUIRE)).getMessage();
      assertTrue(m.contains(file.toString()), m);
    }
  }
}
