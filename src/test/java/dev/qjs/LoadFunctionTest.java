package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nashorn's {@code load(path | URL | {script, name})} and {@code loadWithNewGlobal(path, ...args)}:
 * files found through the folders {@code quickjs.moduleRoots} allows, relative to the calling
 * script's file, run as classic scripts in the current global or a fresh one; errors name the
 * loaded file and line; bad arguments are TypeErrors.
 */
class LoadFunctionTest {
  private static final String ROOTS = "quickjs.moduleRoots";

  private final List<AutoCloseable> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() throws Exception {
    for (AutoCloseable e : engines) {
      e.close();
    }
  }

  private ScriptEngine engine() {
    ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
    engines.add((AutoCloseable) e);
    return e;
  }

  /** An engine whose roots are app and whose script is app/main.js. */
  private ScriptEngine engineIn(Path app) {
    ScriptEngine e = engine();
    e.put(ROOTS, app.toString());
    e.put(ScriptEngine.FILENAME, app.resolve("main.js").toString());
    return e;
  }

  private static Path write(Path dir, String... namesAndTexts) throws IOException {
    return ModuleRootsTest.write(dir, namesAndTexts);
  }

  /** A JavaScript string literal. */
  private static String js(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** What {@code call} throws in the script: "TypeError: message", or "no error". */
  private static String thrown(ScriptEngine e, String call) throws ScriptException {
    return (String) e.eval("(() => { try { " + call + "; return 'no error' } catch (x) {"
        + " return x instanceof Error ? x.name + ': ' + x.message : 'thrown ' + String(x) } })()");
  }

  @Nested
  class Load {
    @Test
    void loadRunsAFileInTheCurrentGlobalAndReturnsItsCompletionValue(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "lib/util.js", "var loadedValue = 40;\nfunction add2(x) { return x + 2 }\nadd2(loadedValue)");
      ScriptEngine e = engineIn(app);
      assertEquals(42, e.eval("load('lib/util.js')"));
      assertEquals(40, e.get("loadedValue"), "its globals are the current global's");
      assertEquals(44, e.eval("add2(42)"));
      assertEquals(42, e.eval("load('./lib/util.js')"));
    }

    @Test
    void nestedLoadsResolveAgainstTheLoadedFile(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "a/a.js", "load('../b/b.js'); var fromA = 'a' + fromB; fromA",
          "b/b.js", "load('./c.js'); var fromB = 'b' + fromC", "b/c.js", "var fromC = 'c'");
      assertEquals("abc", engineIn(app).eval("load('a/a.js')"));
    }

    @Test
    void aFunctionCallingLoadLaterResolvesAgainstItsOwnFile(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "lib/lazy.js", "function lazy() { return load('./later.js') }", "lib/later.js", "'later'");
      ScriptEngine e = engineIn(app);
      e.eval("load('lib/lazy.js')");
      assertEquals("later", ((Invocable) e).invokeFunction("lazy"));
    }

    @Test
    void absolutePathsFileUrlsAndJavaFilesInsideARootLoad(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "x.js", "'x'");
      Path x = app.resolve("x.js");
      ScriptEngine e = engineIn(app);
      assertEquals("x", e.eval("load(" + js(x.toString()) + ")"));
      assertEquals("x", e.eval("load(" + js(x.toUri().toString()) + ")"));
      e.put("asFile", x.toFile());
      assertEquals("x", e.eval("load(asFile)"));
    }

    @Test
    void classpathNamesLoadAndTheirRelativeLoadsStayOnTheClassPath() throws Exception {
      ScriptEngine e = engine();
      e.put(ROOTS, "classpath:dev/qjs/load/");
      assertEquals("HELLO FROM THE CLASS PATH!", e.eval("load('classpath:dev/qjs/load/greet.js')"));
      assertEquals("HELLO FROM THE CLASS PATH!", e.eval("load('greet.js')"), "a script without a file loads from the roots");
      assertTrue(thrown(e, "load('classpath:dev/qjs/modules/secret.js')").startsWith("TypeError: load:"));
    }

    @Test
    void theObjectFormRunsItsTextUnderItsNameWithoutAnySetting() throws Exception {
      ScriptEngine e = engine();
      assertEquals(42, e.eval("load({script: 'var objectForm = 6 * 7; objectForm', name: 'inline.js'})"));
      assertEquals(42, e.get("objectForm"));
      JsException x = assertThrows(JsException.class,
          () -> e.eval("load({script: '1;\\n2;\\nthrow new Error(\"boom\")', name: 'inline-error.js'})"));
      assertEquals("inline-error.js", x.getFileName());
      assertEquals(3, x.getLineNumber());
      assertEquals(7, e.eval("load({script: '7'})"), "the name may be left out");
    }
  }

  @Nested
  class Errors {
    @Test
    void aSyntaxErrorInALoadedFileReportsItsNameAndLine(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "bad.js", "var ok = 1;\n\nvar = 2;");
      ScriptEngine e = engineIn(app);
      JsException x = assertThrows(JsException.class, () -> e.eval("load('bad.js')"));
      assertTrue(x.getMessage().contains("SyntaxError"), x.getMessage());
      assertEquals(app.resolve("bad.js").toString(), x.getFileName());
      assertEquals(3, x.getLineNumber());
      assertEquals(true, e.eval("(() => { try { load('bad.js') } catch (x) { return x instanceof SyntaxError } })()"));
      assertEquals("undefined", e.eval("typeof ok"), "a syntax error runs no statement");
      e.put(ROOTS, "classpath:dev/qjs/load");
      JsException y = assertThrows(JsException.class, () -> e.eval("load('classpath:dev/qjs/load/broken.js')"));
      assertEquals("classpath:dev/qjs/load/broken.js", y.getFileName());
      assertEquals(3, y.getLineNumber());
    }

    @Test
    void aRuntimeErrorInALoadedFileReportsItsNameAndLine(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "throws.js", "var a = 1;\nfunction f() {\n  throw new RangeError('deep');\n}\nf();");
      ScriptEngine e = engineIn(app);
      JsException x = assertThrows(JsException.class, () -> e.eval("1;\nload('throws.js')"));
      assertTrue(x.getMessage().startsWith("RangeError: deep"), x.getMessage());
      assertEquals(app.resolve("throws.js").toString(), x.getFileName());
      assertEquals(3, x.getLineNumber());
      assertTrue(String.valueOf(x.getJsStack()).contains("main.js"), "the loading script is in the stack: " + x.getJsStack());
    }

    @Test
    void withoutRootsLoadIsATypeErrorNamingTheSetting(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "x.js", "var leaked = true");
      ScriptEngine e = engine();
      e.put(ScriptEngine.FILENAME, app.resolve("main.js").toString());
      String t = thrown(e, "load('x.js')");
      assertTrue(t.startsWith("TypeError: load: cannot load 'x.js'") && t.contains(ROOTS), t);
      t = thrown(e, "loadWithNewGlobal('x.js')");
      assertTrue(t.startsWith("TypeError: loadWithNewGlobal:") && t.contains(ROOTS), t);
      assertEquals("undefined", e.eval("typeof leaked"));
    }

    @Test
    void pathsOutsideTheRootsAreRefused(@TempDir Path tmp) throws Exception {
      Path app = write(tmp.resolve("app"), "ok.js", "1");
      Path secret = write(tmp, "secret.js", "var leaked = true").resolve("secret.js");
      List<String> paths = new ArrayList<>(List.of("../secret.js", "./../secret.js", "..\\secret.js",
          secret.toString(), secret.toUri().toString(), "lib/../../secret.js"));
      try {
        Files.createSymbolicLink(app.resolve("link.js"), secret);
        paths.add("link.js");
      } catch (UnsupportedOperationException | IOException | SecurityException ignored) {
        // no symbolic links on this system
      }
      ScriptEngine e = engineIn(app);
      for (String p : paths) {
        String t = thrown(e, "load(" + js(p) + ")");
        assertTrue(t.startsWith("TypeError: load: cannot load") && t.contains(ROOTS), p + ": " + t);
      }
      assertEquals("undefined", e.eval("typeof leaked"));
      assertEquals(1, e.eval("load('ok.js')"));
    }

    @Test
    void networkAndOtherUrlsAreRefused(@TempDir Path tmp) throws Exception {
      ScriptEngine e = engineIn(write(tmp, "ok.js", "1"));
      for (String url : List.of("http://localhost/x.js", "HTTPS://localhost/x.js")) {
        String t = thrown(e, "load(" + js(url) + ")");
        assertTrue(t.startsWith("TypeError: load:") && t.contains("network"), t);
      }
      for (String url : List.of("ftp://localhost/x.js", "jar:file:/x.jar!/a.js", "data:text/javascript,1", "host:x")) {
        String t = thrown(e, "load(" + js(url) + ")");
        assertTrue(t.startsWith("TypeError: load:") && t.contains("refused"), t);
      }
    }

    @Test
    void garbageArgumentsAreTypeErrorsAndTheEngineKeepsWorking(@TempDir Path tmp) throws Exception {
      ScriptEngine e = engineIn(write(tmp, "ok.js", "'ok'"));
      List<String> garbage = List.of("", "null", "undefined", "42", "-0", "NaN", "true", "Symbol('s')", "10n", "{}",
          "{name: 'x.js'}", "{script: null}", "{script: undefined, name: 'n'}", "[]", "() => 1",
          "'x'.repeat(1 << 20)", "'a\\u0000b.js'", "''", "new Error('e')");
      for (String fn : List.of("load", "loadWithNewGlobal")) {
        for (String arg : garbage) {
          String t = thrown(e, fn + "(" + arg + ")");
          assertTrue(t.startsWith("TypeError: " + fn), fn + "(" + arg + "): " + t);
          assertTrue(t.length() < 2000, "the message is short");
        }
      }
      // a getter that throws: its own error, not a TypeError
      assertEquals("Error: trap", thrown(e, "load({get script() { throw new Error('trap') }})"));
      assertEquals("ok", e.eval("load('ok.js')"));
      assertEquals(2, e.eval("1 + 1"));
    }

    @Test
    void aFileThatLoadsItselfEndsInAnErrorNotACrash(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "self.js", "load('./self.js')");
      ScriptEngine e = engineIn(app);
      for (String script : List.of("load('self.js')", "var o = {script: 'load(o)', name: 'again.js'}; load(o)")) {
        Throwable t = assertThrows(Throwable.class, () -> e.eval(script));
        assertTrue(t instanceof ScriptException || t instanceof StackOverflowError, t::toString);
      }
      assertEquals(2, e.eval("1 + 1"));
    }
  }

  @Nested
  class NewGlobal {
    @Test
    void loadWithNewGlobalRunsInAFreshGlobalWithItsArguments(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "isolated.js", String.join("\n",
          "var inner = typeof outer;",
          "var args = Array.from(arguments);",
          "function say() { print('from the new global'); return typeof outer + ' ' + typeof inner }",
          "({inner: inner, args: args, say: say})"));
      ScriptEngine e = engineIn(app);
      StringWriter out = new StringWriter();
      e.getContext().setWriter(out);
      e.eval("var outer = 1; var r = loadWithNewGlobal('isolated.js', 'a', 2, {k: 'v'})");
      assertEquals("undefined", e.eval("r.inner"), "the caller's globals are not there");
      assertEquals("a,2,v", e.eval("r.args[0] + ',' + r.args[1] + ',' + r.args[2].k"));
      assertEquals("undefined", e.eval("typeof inner"), "its globals are not here");
      assertEquals("undefined", e.eval("typeof args"));
      for (int i = 0; i < 3; i++) {
        System.gc();
        e.eval("load({script: '[1, 2, 3].map(String)'})"); // calls that free what the cleaner queued
      }
      assertEquals("undefined string", e.eval("r.say()"), "its functions keep working in the caller");
      assertTrue(out.toString().contains("from the new global"));
      assertEquals(7, e.eval("loadWithNewGlobal({script: 'arguments[0] + arguments[1]', name: 'sum.js'}, 3, 4)"));
    }

    @Test
    void manyNewGlobalsStayUsableAndAreFreedWithTheEngine() throws Exception {
      ScriptEngine e = engine();
      Object sum = e.eval("var fns = []; var s = 0; for (let i = 0; i < 150; i++) {"
          + " var g = loadWithNewGlobal({script: 'var mine = arguments[0]; (function () { return mine * 2 })', name: 'g.js'}, i);"
          + " if (i % 10 == 0) fns.push(g); s += g() } s");
      assertEquals(150 * 149, sum);
      System.gc();
      assertEquals(2100, e.eval("fns.reduce((a, f) => a + f(), 0)"));
      ((AutoCloseable) e).close();
    }

    @Test
    void aSyntaxErrorInTheNewGlobalsFileReportsItsNameAndLine(@TempDir Path tmp) throws Exception {
      Path app = write(tmp, "bad.js", "\n\n\nvar = 1");
      JsException x = assertThrows(JsException.class, () -> engineIn(app).eval("loadWithNewGlobal('bad.js')"));
      assertEquals(app.resolve("bad.js").toString(), x.getFileName());
      assertEquals(4, x.getLineNumber());
    }
  }

  @Test
  void concurrentEnginesLoadTheirOwnFiles(@TempDir Path tmp) throws Exception {
    int n = 4;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Path app = write(tmp.resolve("e" + i), "v.js", "var v = " + i + "; load('./w.js') + v", "w.js", "100");
        results.add(pool.submit(() -> {
          ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
          try (AutoCloseable closing = (AutoCloseable) e) {
            e.put(ROOTS, app.toString());
            int total = 0;
            for (int k = 0; k < 50; k++) {
              total += (Integer) e.eval(k % 2 == 0 ? "load('v.js')" : "loadWithNewGlobal('v.js')");
            }
            return total;
          }
        }));
      }
      for (int i = 0; i < n; i++) {
        assertEquals(50 * (100 + i), results.get(i).get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void loadIsAGlobalFunctionThatTheBindingsDoNotList() throws Exception {
    ScriptEngine e = engine();
    assertEquals("function function", e.eval("typeof load + ' ' + typeof loadWithNewGlobal"));
    assertInstanceOf(JsFunction.class, e.eval("load"));
    assertTrue(!e.getBindings(ScriptContext.ENGINE_SCOPE).keySet().contains("load"));
  }
}
