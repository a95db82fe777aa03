package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Modules for code that sees only javax.script: the ENGINE_SCOPE settings {@code
 * quickjs.moduleRoots} (also a system property) and {@code quickjs.moduleLoader}, relative
 * imports from the script's {@code FILENAME}, refusals that name the setting, and compiled
 * modules.
 */
class ModuleRootsTest {
  private static final String ROOTS = "quickjs.moduleRoots";
  private static final String LOADER = "quickjs.moduleLoader";

  private final List<AutoCloseable> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() throws Exception {
    for (AutoCloseable e : engines) {
      e.close();
    }
  }

  /** An engine as a framework gets it: by name, nothing but javax.script. */
  private ScriptEngine engine() {
    ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
    engines.add((AutoCloseable) e);
    return e;
  }

  static Path write(Path dir, String... namesAndTexts) throws IOException {
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      Path f = dir.resolve(namesAndTexts[i]);
      Files.createDirectories(f.getParent());
      Files.writeString(f, namesAndTexts[i + 1]);
    }
    return dir.toRealPath();
  }

  /** The module {@code file} evaluated with its path as FILENAME: its namespace. */
  private static JsObject run(ScriptEngine e, Path file) throws Exception {
    e.put(ScriptEngine.FILENAME, file.toString());
    return (JsObject) e.eval(Files.readString(file));
  }

  private static ModuleNotFoundException notFound(ScriptException x) {
    return assertInstanceOf(ModuleNotFoundException.class, x.getCause(), x::toString);
  }

  @Nested
  class RelativeImports {
    @Test
    void aRelativeImportResolvesAgainstTheEntryScriptsFilename(@TempDir Path tmp) throws Exception {
      Path app = write(tmp.resolve("app"), "main.mjs", "import { name } from './lib/name.mjs'; export const hello = 'hello ' + name",
          "lib/name.mjs", "export const name = 'module'");
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      assertEquals("hello module", run(e, app.resolve("main.mjs")).get("hello"));
    }

    @Test
    void nestedRelativeImportsResolveAgainstTheImportingFile(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "main.mjs", "export { v } from './a/a.mjs'",
          "a/a.mjs", "import { b } from '../b/b.mjs'; export const v = 'a>' + b",
          "b/b.mjs", "import { c } from './c.js'; export const b = 'b>' + c",
          "b/c.js", "export const c = 'c'");
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      assertEquals("a>b>c", run(e, app.resolve("main.mjs")).get("v"));
    }

    @Test
    void requireAndDynamicImportUseTheRootsToo(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "lib/legacy.cjs", "module.exports = { n: 41 }", "lib/esm.mjs", "export default 1");
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      e.put(ScriptEngine.FILENAME, app.resolve("main.js").toString());
      assertEquals(41, e.eval("require('./lib/legacy.cjs').n"));
      e.eval("var got; import('./lib/esm.mjs').then(m => got = m.default)");
      assertEquals(1, e.eval("got"));
    }

    @Test
    void aScriptWithoutAFileNameImportsFromTheRoots(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "util.mjs", "export const u = 'u'");
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      e.put("quickjs.module", true);
      assertEquals("u", ((JsObject) e.eval("export { u } from './util.mjs'")).get("u"));
    }

    @Test
    void eachBindingsHasItsOwnRoots(@TempDir Path tmp) throws Exception {
      Path one = write(tmp.resolve("one"), "v.mjs", "export default 'one'");
      Path two = write(tmp.resolve("two"), "v.mjs", "export default 'two'");
      ScriptEngine e = engine();
      Bindings b1 = e.createBindings();
      b1.put(ROOTS, one.toString());
      b1.put("quickjs.module", true);
      Bindings b2 = new SimpleBindings(); // a foreign Bindings, as Spring passes
      b2.put(ROOTS, List.of(two));
      b2.put("quickjs.module", "true");
      assertEquals("one", ((JsObject) e.eval("export { default } from './v.mjs'", b1)).get("default"));
      assertEquals("two", ((JsObject) e.eval("export { default } from './v.mjs'", b2)).get("default"));
    }
  }

  @Nested
  class Refusals {
    @Test
    void aDotDotEscapeIsRefusedNamingTheSetting(@TempDir Path tmp) throws Exception {
      Path app = write(tmp.resolve("app"), "main.mjs", "import '../secret.mjs'");
      write(tmp, "secret.mjs", "globalThis.leaked = true");
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      ScriptException x = assertThrows(ScriptException.class, () -> run(e, app.resolve("main.mjs")));
      ModuleNotFoundException m = notFound(x);
      assertTrue(m.getMessage().contains("refused") && m.getMessage().contains(ROOTS), m.getMessage());
      assertNull(e.get("leaked"), "the file outside ran nothing");
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefused(@TempDir Path tmp) throws Exception {
      Path app = write(tmp.resolve("app"), "main.mjs", "import './link.mjs'");
      Path secret = write(tmp.resolve("outside"), "secret.mjs", "globalThis.leaked = true").resolve("secret.mjs");
      try {
        Files.createSymbolicLink(app.resolve("link.mjs"), secret);
      } catch (UnsupportedOperationException | IOException | SecurityException e) {
        assumeTrue(false, "no symbolic links here: " + e);
      }
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      ModuleNotFoundException m = notFound(assertThrows(ScriptException.class, () -> run(e, app.resolve("main.mjs"))));
      assertTrue(m.getMessage().contains("symbolic link") && m.getMessage().contains(ROOTS), m.getMessage());
      assertNull(e.get("leaked"), "the file outside ran nothing");
    }

    @Test
    void anAbsolutePathOutsideEveryRootIsRefused(@TempDir Path tmp) throws Exception {
      Path app = write(tmp.resolve("app"), "x.mjs", "export default 1");
      Path secret = write(tmp.resolve("outside"), "secret.mjs", "globalThis.leaked = true").resolve("secret.mjs");
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      e.put("quickjs.module", true);
      for (String spec : List.of(secret.toString(), secret.toUri().toString())) {
        ScriptException x = assertThrows(ScriptException.class, () -> e.eval("import '" + spec + "'"), spec);
        ModuleNotFoundException m = notFound(x);
        assertTrue(m.getMessage().contains(ROOTS), m.getMessage());
      }
      assertNull(e.get("leaked"), "the file outside ran nothing");
    }

    @Test
    void aRelativeImportFromAFileOutsideEveryRootIsRefusedNamingThePath(@TempDir Path tmp) throws Exception {
      Path lib = write(tmp.resolve("lib"), "ok.mjs", "export default 'ok'");
      Path outside = write(tmp.resolve("scripts"), "main.mjs", "import './secret.mjs'", "secret.mjs", "globalThis.leaked = 1");
      ScriptEngine e = engine();
      e.put(ROOTS, lib.toString());
      ModuleNotFoundException m = notFound(assertThrows(ScriptException.class, () -> run(e, outside.resolve("main.mjs"))));
      assertTrue(m.getMessage().contains(outside.resolve("secret.mjs").toString()), m.getMessage());
      assertTrue(m.getMessage().contains("outside every folder") && m.getMessage().contains(ROOTS), m.getMessage());
      // the same file reaches a module inside a root by its absolute path
      e.put(ScriptEngine.FILENAME, outside.resolve("main.mjs").toString());
      assertEquals("ok", ((JsObject) e.eval("export { default } from '" + lib.resolve("ok.mjs") + "'")).get("default"));
      assertNull(e.get("leaked"), "the file outside ran nothing");
    }

    @Test
    void withoutAnySettingAPathImportIsAnErrorNamingTheSetting(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "main.mjs", "import './x.mjs'", "x.mjs", "globalThis.leaked = 1");
      ScriptEngine e = engine();
      ModuleNotFoundException m = notFound(assertThrows(ScriptException.class, () -> run(e, app.resolve("main.mjs"))));
      assertTrue(m.getMessage().contains(ROOTS), m.getMessage());
      assertNull(e.get("leaked"), "the file outside ran nothing");
    }

    @Test
    void removingTheSettingTakesTheFoldersAway(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "main.mjs", "export { x } from './x.mjs'", "x.mjs", "export const x = 1");
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      assertEquals(1, run(e, app.resolve("main.mjs")).get("x"));
      e.getBindings(ScriptContext.ENGINE_SCOPE).remove(ROOTS);
      assertThrows(ScriptException.class, () -> run(e, app.resolve("main.mjs")));
    }
  }

  @Nested
  class Values {
    @Test
    void rootsMayBeAStringOfPathsACollectionOfPathsOrStringsOrAPath(@TempDir Path tmp) throws Exception {
      Path one = write(tmp.resolve("one"), "a.mjs", "export default 'a'");
      Path two = write(tmp.resolve("two"), "b.mjs", "export default 'b'");
      ScriptEngine e = engine();
      e.put("quickjs.module", true);
      String both = "export { default as a } from './a.mjs'; export { default as b } from './b.mjs'";
      for (Object value : List.of(one + File.pathSeparator + two, List.of(one, two),
          List.of(one.toString(), two.toString()), Set.of(one, two.toString()))) {
        Bindings b = e.createBindings();
        b.put("quickjs.module", true);
        b.put(ROOTS, value);
        JsObject ns = (JsObject) e.eval(both, b);
        assertEquals("a", ns.get("a"), value::toString);
        assertEquals("b", ns.get("b"), value::toString);
      }
      e.put(ROOTS, two);
      assertEquals("b", ((JsObject) e.eval("export { default } from './b.mjs'")).get("default"));
    }

    @Test
    void classpathRootsServeResourcesOfTheEnginesClassLoader() throws Exception {
      ScriptEngine e = engine();
      e.put(ROOTS, "classpath:dev/qjs/modules/scripts/");
      e.put("quickjs.module", true);
      JsObject ns = (JsObject) e.eval("import v from './main.js'; import d from './data.json'; export { v, d }");
      assertEquals(42, ns.get("v"));
      assertEquals(42, ((JsObject) ns.get("d")).get("answer"));
      ScriptException x = assertThrows(ScriptException.class, () -> e.eval("import '../secret.js'"));
      notFound(x);
      // with a folder in the same String: classpath: keeps its colon whatever the separator
      e.put(ROOTS, System.getProperty("java.io.tmpdir") + File.pathSeparator + "classpath:dev/qjs/modules/scripts");
      assertEquals(42, ((JsObject) e.eval("export { default } from './main.js'")).get("default"));
    }

    @Test
    void badValuesAreRefusedWhereTheyArePutAndTheEngineKeepsWorking(@TempDir Path tmp) throws Exception {
      ScriptEngine e = engine();
      Path file = Files.writeString(tmp.resolve("file.txt"), "not a folder");
      List<Object> bad = List.of(42, tmp.resolve("missing").toString(), file.toString(), List.of(tmp, 3),
          Map.of("a", "b"), "classpath:../../etc", new Object(), List.of("x\0y"));
      for (Object value : bad) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.put(ROOTS, value), value::toString);
        assertTrue(x.getMessage().startsWith(ROOTS) && x.getMessage().contains("File.pathSeparator"), x.getMessage());
        Bindings b = e.createBindings();
        assertThrows(IllegalArgumentException.class, () -> b.put(ROOTS, value));
        assertThrows(IllegalArgumentException.class, () -> b.putAll(Map.of(ROOTS, value, "quickjs.module", true)));
        assertNull(b.get("quickjs.module"), "putAll is all or nothing");
        SimpleBindings foreign = new SimpleBindings();
        foreign.put(ROOTS, value);
        assertThrows(IllegalArgumentException.class, () -> e.setBindings(foreign, ScriptContext.ENGINE_SCOPE));
      }
      for (Object value : List.of("not a loader", tmp, 1)) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.put(LOADER, value));
        assertTrue(x.getMessage().startsWith(LOADER) && x.getMessage().contains("ModuleLoader"), x.getMessage());
      }
      huge(e);
      assertNull(e.get(ROOTS));
      assertEquals(2, e.eval("1 + 1"));
    }

    private void huge(ScriptEngine e) {
      String megabyte = "x".repeat(1 << 20);
      IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.put(ROOTS, megabyte));
      assertTrue(x.getMessage().length() < 2000, "the message shows the value shortened");
    }

    @Test
    void aForeignBindingsChangedAfterItWasSetFailsTheCallNamingTheSetting(@TempDir Path tmp) throws Exception {
      ScriptEngine e = engine();
      SimpleBindings foreign = new SimpleBindings();
      SimpleScriptContext ctx = new SimpleScriptContext();
      ctx.setBindings(foreign, ScriptContext.ENGINE_SCOPE);
      foreign.put(ROOTS, 12);
      foreign.put("quickjs.module", true);
      ScriptException x = assertThrows(ScriptException.class, () -> e.eval("import './x.mjs'", ctx));
      assertTrue(String.valueOf(x.getMessage()).contains(ROOTS), x.getMessage());
      assertEquals(2, e.eval("1 + 1"));
    }

    @Test
    void theSystemPropertyIsReadWhenNoEngineScopeKeyIsSet(@TempDir Path tmp) throws Exception {
      Path app = write(tmp.resolve("app"), "main.mjs", "export { x } from './x.mjs'", "x.mjs", "export const x = 'prop'");
      Path other = write(tmp.resolve("other"), "x.mjs", "export const x = 'key'", "main.mjs", "export { x } from './x.mjs'");
      String before = System.getProperty(ROOTS);
      System.setProperty(ROOTS, app.toString());
      try {
        ScriptEngine e = engine();
        assertEquals("prop", run(e, app.resolve("main.mjs")).get("x"));
        e.put(ROOTS, other.toString()); // the key replaces the property
        assertEquals("key", run(e, other.resolve("main.mjs")).get("x"));
        ScriptEngine f = engine();
        f.put(ROOTS, other.toString());
        assertThrows(ScriptException.class, () -> run(f, app.resolve("main.mjs")));
        System.setProperty(ROOTS, tmp.resolve("missing").toString());
        ScriptEngine g = engine();
        g.put(ScriptEngine.FILENAME, app.resolve("main.mjs").toString());
        ScriptException x = assertThrows(ScriptException.class, () -> g.eval("export * from './x.mjs'"));
        assertTrue(String.valueOf(x.getMessage()).contains("system property " + ROOTS), x.getMessage());
      } finally {
        if (before == null) {
          System.clearProperty(ROOTS);
        } else {
          System.setProperty(ROOTS, before);
        }
      }
      ScriptEngine h = engine();
      assertThrows(ScriptException.class, () -> run(h, app.resolve("main.mjs")));
    }
  }

  @Nested
  class Precedence {
    @Test
    void anEngineScopeLoaderIsAskedFirstThenTheRootsThenTheOptionsLoader(@TempDir Path tmp) throws Exception {
      Path root = write(tmp, "x.js", "export default 'roots'", "only-root.js", "export default 'root only'");
      QuickJsScriptEngine e = new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder()
          .moduleLoader(ModuleLoader.ofMap(Map.of("x.js", "export default 'options'",
              "only-options.js", "export default 'options only'")))
          .build());
      engines.add(e);
      String all = "export { default as x } from 'x.js'; export { default as r } from 'only-root.js';"
          + " export { default as o } from 'only-options.js'";
      // a realm per step: a realm evaluates each module id once, and both map loaders say "x.js"
      Bindings b = e.createBindings();
      b.put("quickjs.module", true);
      b.put(LOADER, ModuleLoader.ofMap(Map.of("x.js", "export default 'scoped'")));
      b.put(ROOTS, root.toString());
      JsObject ns = (JsObject) e.eval(all, b);
      assertEquals("scoped", ns.get("x"));
      assertEquals("root only", ns.get("r"));
      assertEquals("options only", ns.get("o"), "the options' loader is still asked last");
      b = e.createBindings();
      b.put("quickjs.module", true);
      b.put(ROOTS, root.toString());
      assertEquals("roots", ((JsObject) e.eval(all, b)).get("x"));
      b = e.createBindings();
      b.put("quickjs.module", true);
      assertEquals("options", ((JsObject) e.eval("export { default as x } from 'x.js'", b)).get("x"));
    }

    @Test
    void anEngineScopeLoaderAloneServesAPlainEngine() throws Exception {
      ScriptEngine e = engine();
      e.put(LOADER, ModuleLoader.ofMap(Map.of("lib/util.js", "export const twice = x => 2 * x")));
      e.put("quickjs.module", true);
      assertEquals(42, ((JsObject) e.eval("import { twice } from './lib/util.js'; export const v = twice(21)")).get("v"));
    }
  }

  @Nested
  class CompiledModules {
    @Test
    void aCompiledModuleReturnsItsNamespaceAndRunsAfreshAtEachEval(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "counter.mjs", "globalThis.counterRuns = (globalThis.counterRuns || 0) + 1; export const n = 1");
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      e.put(ScriptEngine.FILENAME, app.resolve("main.mjs").toString());
      CompiledScript c = ((Compilable) e).compile(
          "import { n } from './counter.mjs'; globalThis.mainRuns = (globalThis.mainRuns || 0) + 1;"
              + " export const value = n + mainRuns");
      assertNull(e.get("mainRuns"), "compiling runs nothing");
      assertNull(e.get("counterRuns"), "compiling runs no import");
      JsObject first = (JsObject) c.eval();
      JsObject second = (JsObject) c.eval();
      assertEquals(2, first.get("value"));
      assertEquals(3, second.get("value"), "each eval runs a new instance");
      assertEquals(2, e.get("mainRuns"));
      assertEquals(1, e.get("counterRuns"), "an imported module is evaluated once per realm");
      Bindings other = e.createBindings();
      other.put(ROOTS, app.toString());
      assertEquals(2, ((JsObject) c.eval(other)).get("value"), "another realm has its own instances");
    }

    @Test
    void theModuleKeyAtCompileTimeMakesAModule() throws Exception {
      ScriptEngine e = engine();
      e.put("quickjs.module", true);
      CompiledScript c = ((Compilable) e).compile("export const answer = 6 * 7");
      e.put("quickjs.module", false);
      assertEquals(42, ((JsObject) c.eval()).get("answer"));
    }

    @Test
    void aSyntaxErrorOrAMissingImportFailsTheCompile(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "ok.mjs", "export default 1");
      ScriptEngine e = engine();
      e.put(ROOTS, app.toString());
      e.put(ScriptEngine.FILENAME, app.resolve("main.mjs").toString());
      ScriptException syntax = assertThrows(ScriptException.class, () -> ((Compilable) e).compile("export const = 1;"));
      assertTrue(syntax.getMessage().contains("SyntaxError"), syntax.getMessage());
      assertEquals(app.resolve("main.mjs").toString(), syntax.getFileName());
      ScriptException missing = assertThrows(ScriptException.class,
          () -> ((Compilable) e).compile("import './missing.mjs'"));
      notFound(missing);
      assertEquals(1, ((JsObject) ((Compilable) e).compile("export { default } from './ok.mjs'").eval()).get("default"));
    }

    @Test
    void manyCompilesLeaveTheEngineWorking() throws Exception {
      ScriptEngine e = engine();
      e.put("quickjs.module", true);
      for (int i = 0; i < 300; i++) {
        CompiledScript c = ((Compilable) e).compile("export const i = " + i);
        assertEquals(i, ((JsObject) c.eval()).get("i"));
      }
      System.gc();
      assertEquals(2, ((JsObject) e.eval("export const two = 2")).get("two"));
    }
  }

  @Test
  void concurrentEnginesImportThroughTheirOwnRoots(@TempDir Path tmp) throws Exception {
    int n = 6;
    List<Path> roots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      roots.add(write(tmp.resolve("r" + i), "main.mjs", "export { v } from './lib/v.mjs'", "lib/v.mjs", "export const v = " + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<List<Object>>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Path root = roots.get(i);
        results.add(pool.submit(() -> {
          List<Object> got = new ArrayList<>();
          ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
          try (AutoCloseable closing = (AutoCloseable) e) {
            e.put(ROOTS, root.toString());
            for (int k = 0; k < 20; k++) {
              Bindings b = e.createBindings();
              b.put(ROOTS, root.toString());
              b.put(ScriptEngine.FILENAME, root.resolve("main.mjs").toString());
              got.add(((JsObject) e.eval(Files.readString(root.resolve("main.mjs")), b)).get("v"));
            }
          }
          return got;
        }));
      }
      for (int i = 0; i < n; i++) {
        List<Object> got = results.get(i).get(60, TimeUnit.SECONDS);
        assertEquals(20, got.size());
        for (Object v : got) {
          assertEquals(i, v);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
