package dev.qjs.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleSource.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An untyped .js file's format comes from what its source shows, as in Node 22: module syntax
 * makes it ESM, require/module.exports/exports CommonJS, and a file showing neither takes the
 * loader's default (ESM for scripts, CommonJS for packages).
 */
class SourceFormatDetectionTest {
  @TempDir Path dir;

  /** ESM, COMMONJS or NEITHER, seen through a scripts loader and a packages loader. */
  private String detect(String source) throws IOException {
    Format asScript = ModuleLoader.ofMap(Map.of("x.js", source)).load("x.js").format();
    Files.writeString(dir.resolve("x.js"), source);
    Format asPackage = ModuleLoader.nodeModules(dir).load(dir.toRealPath().resolve("x.js").toString()).format();
    if (asScript == Format.ESM && asPackage == Format.ESM) {
      return "ESM";
    }
    if (asScript == Format.COMMONJS && asPackage == Format.COMMONJS) {
      return "COMMONJS";
    }
    assertEquals(Format.ESM, asScript);
    assertEquals(Format.COMMONJS, asPackage);
    return "NEITHER";
  }

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "import x from './x.js'                                   | ESM",
        "import './side-effect.js'                                | ESM",
        "import{a}from'./a.js'                                    | ESM",
        "import * as ns from 'ns'                                 | ESM",
        "'use strict';\\nconst a = 1;\\nexport { a }                | ESM",
        "export default function () {}                            | ESM",
        "export const a = 1, b = 2                                | ESM",
        "/* header */ // line\\n export async function f() {}     | ESM",
        "function f() { return import.meta.url }                  | ESM",
        "const u = import . meta                                  | ESM",
        "#!/usr/bin/env node\\nimport 'x'                          | ESM",
        "const x = require('x')                                   | COMMONJS",
        "module.exports = 1                                       | COMMONJS",
        "module /* c */ . exports = 1                             | COMMONJS",
        "exports.a = 1                                            | COMMONJS",
        "Object.defineProperty(exports, '__esModule', {})         | COMMONJS",
        "const m = import('./lazy.js'); module.exports = m        | COMMONJS",
        "print('plain')                                           | NEITHER",
        "const s = \"import x from 'y'\"                          | NEITHER",
        "const s = 'export default 1'                             | NEITHER",
        "// import x from 'y'\\n/* export default 1 */             | NEITHER",
        "const t = `import x from 'y' ${1} export default 1`      | NEITHER",
        "const t = `${ `nested ${ {a: 1}.a } export {}` }`; 1     | NEITHER",
        "const r = /import x from 'y'/g                           | NEITHER",
        "const r = /['\"`]/; export default r                     | ESM",
        "x = a / b / c; export const y = 1                        | ESM",
        "if (a) { export default 1 }                              | NEITHER",
        "foo.import(x); bar.export = 1                            | NEITHER",
        "obj.module.exports = 1; x.require('y')                   | NEITHER",
        "const o = { import: 1, export: 2, require: 3 }           | NEITHER",
        "const m = import('./lazy.js')                            | NEITHER",
        "const t = `${require('x')}`                              | COMMONJS",
        "'unterminated                                            | NEITHER",
        "`unterminated ${                                         | NEITHER",
        "/* unterminated                                          | NEITHER",
      })
  void sourcesAreClassified(String source, String expected) throws IOException {
    assertEquals(expected, detect(source.replace("\\n", "\n")));
  }

  @Test
  void aHugeOrHostileSourceIsScannedInLinearTime() throws IOException {
    String[] sources = {
      "(".repeat(200_000) + "export default 1",
      "{".repeat(200_000) + "}".repeat(200_000) + "export default 1",
      "`${".repeat(100_000),
      "/".repeat(300_000),
      "'\\".repeat(200_000),
      "a/".repeat(200_000) + "module.exports = 1",
    };
    String[] expected = {"NEITHER", "ESM", "NEITHER", "NEITHER", "NEITHER", "COMMONJS"};
    for (int i = 0; i < sources.length; i++) {
      String source = sources[i];
      String result = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> detect(source));
      assertEquals(expected[i], result, "source " + i);
    }
  }
}
