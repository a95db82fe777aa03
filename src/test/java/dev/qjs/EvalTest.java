package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Random;
import javax.script.Bindings;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Evaluation: completion values, file names, readers, printing, promise jobs, repeated sources. */
class EvalTest {
  private static final String NL = System.lineSeparator();

  private ScriptEngine engine;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void setUp() {
    engine = new ScriptEngineManager().getEngineByName("quickjs");
    out = new StringWriter();
    err = new StringWriter();
    engine.getContext().setWriter(out);
    engine.getContext().setErrorWriter(err);
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  /** A reader that hands out at most {@code chunk} chars per read. */
  private static final class ChunkedReader extends Reader {
    private final String text;
    private final int[] chunks;
    private int pos;
    private int call;

    ChunkedReader(String text, int... chunks) {
      this.text = text;
      this.chunks = chunks;
    }

    @Override
    public int read(char[] buf, int off, int len) {
      if (pos >= text.length()) {
        return -1;
      }
      int n = Math.min(Math.min(len, chunks[call++ % chunks.length]), text.length() - pos);
      text.getChars(pos, pos + n, buf, off);
      pos += n;
      return n;
    }

    @Override
    public void close() {}
  }

  /** A reader that splits every surrogate pair across two reads. */
  private static final class SurrogateSplittingReader extends Reader {
    private final String text;
    private int pos;

    SurrogateSplittingReader(String text) {
      this.text = text;
    }

    @Override
    public int read(char[] buf, int off, int len) {
      if (pos >= text.length()) {
        return -1;
      }
      int end = pos;
      while (end < text.length() && end - pos < len) {
        char c = text.charAt(end++);
        if (Character.isHighSurrogate(c)) {
          break; // the high surrogate ends this read, its low surrogate starts the next
        }
      }
      text.getChars(pos, end, buf, off);
      int n = end - pos;
      pos = end;
      return n;
    }

    @Override
    public void close() {}
  }

  @Nested
  class CompletionValue {
    @Test
    void lastExpressionStatementIsTheResult() throws ScriptException {
      assertEquals(3, engine.eval("1 + 2"));
      assertEquals(10, engine.eval("var a = 5; a * 2"));
      assertEquals("yes", engine.eval("if (true) { 'yes' } else { 'no' }"));
      assertEquals(3, engine.eval("let i = 0; while (i < 4) { i++ }")); // i++ completes with the old value
      assertEquals(3, engine.eval("'use strict'; 3"));
    }

    @Test
    void declarationsDoNotChangeTheCompletionValue() throws ScriptException {
      assertEquals(1, engine.eval("1; var unused = 2;"));
      assertNull(engine.eval("function f() { return 1 }"));
      assertNull(engine.eval("var x = 1"));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "null", "undefined", "", " ", "\n\n\t", "// just a comment", "/* block */",
          "/* a */ // b\n", ";", ";;;", "void 0", "{}", "\uFEFF"
        })
    void scriptsWithoutAValueGiveNull(String script) throws ScriptException {
      assertNull(engine.eval(script));
    }

    @Test
    void hashbangLineIsIgnored() throws ScriptException {
      assertEquals(42, engine.eval("#!/usr/bin/env qjs\n42"));
    }

    @Test
    void nullScriptIsRejected() {
      assertThrows(NullPointerException.class, () -> engine.eval((String) null));
      assertThrows(NullPointerException.class, () -> engine.eval((Reader) null));
    }

    @Test
    void hugeStringLiteralEvaluates() throws ScriptException {
      String src = "'" + "a".repeat(10_000_000) + "'.length";
      assertEquals(10_000_000, engine.eval(src));
    }

    @Test
    void garbageIsAScriptExceptionAndNothingWorse() throws ScriptException {
      Random random = new Random(1234);
      for (int round = 0; round < 50; round++) {
        char[] chars = new char[1 + random.nextInt(2000)];
        for (int i = 0; i < chars.length; i++) {
          chars[i] = (char) random.nextInt(0x10000);
        }
        try {
          engine.eval(new String(chars));
        } catch (ScriptException expected) {
          // fine: garbage need not be a valid script
        }
      }
      assertEquals(2, engine.eval("1 + 1"));
    }
  }

  @Nested
  class FileName {
    @Test
    void defaultFileNameIsEval() {
      JsException e = assertThrows(JsException.class, () -> engine.eval("null.x"));
      assertEquals("<eval>", e.getFileName());
      assertTrue(e.getJsStack().contains("<eval>"), e.getJsStack());
    }

    @Test
    void filenameAttributeNamesTheScriptInTheExceptionAndStack() {
      engine.getContext().setAttribute(ScriptEngine.FILENAME, "my-script.js", ScriptContext.ENGINE_SCOPE);
      JsException e = assertThrows(JsException.class, () -> engine.eval("\n\nnull.x"));
      assertEquals("my-script.js", e.getFileName());
      assertEquals(3, e.getLineNumber());
      assertTrue(e.getJsStack().contains("my-script.js:3"), e.getJsStack());
      assertTrue(e.getMessage().contains("my-script.js"), e.getMessage());
    }

    @Test
    void filenameIsVisibleToTheScriptInItsOwnStack() throws ScriptException {
      engine.put(ScriptEngine.FILENAME, "stack-probe.js");
      Object stack = engine.eval("new Error('probe').stack");
      assertTrue(String.valueOf(stack).contains("stack-probe.js:1"), String.valueOf(stack));
    }

    @Test
    void filenameNamesSyntaxErrors() {
      engine.put(ScriptEngine.FILENAME, "broken.js");
      JsException e = assertThrows(JsException.class, () -> engine.eval("var ok = 1;\nvar = ;"));
      assertEquals("broken.js", e.getFileName());
      assertEquals(2, e.getLineNumber());
      assertEquals("SyntaxError", e.getErrorName());
    }

    @Test
    void functionKeepsTheFileItWasDefinedIn() {
      engine.put(ScriptEngine.FILENAME, "lib.js");
      assertDoesNotThrowScript("function boom() {\n  throw new Error('from lib')\n}");
      engine.put(ScriptEngine.FILENAME, "main.js");
      JsException e = assertThrows(JsException.class, () -> engine.eval("boom()"));
      assertEquals("lib.js", e.getFileName());
      assertEquals(2, e.getLineNumber());
      assertTrue(e.getJsStack().contains("lib.js:2"), e.getJsStack());
      assertTrue(e.getJsStack().contains("main.js:1"), e.getJsStack());
    }

    @Test
    void sameSourceUnderAnotherNameReportsTheNewName() {
      engine.put(ScriptEngine.FILENAME, "first.js");
      assertEquals("first.js", assertThrows(JsException.class, () -> engine.eval("null.x")).getFileName());
      engine.put(ScriptEngine.FILENAME, "second.js");
      assertEquals("second.js", assertThrows(JsException.class, () -> engine.eval("null.x")).getFileName());
    }

    @Test
    void unusualFileNamesArePreserved() {
      for (String name : new String[] {"dir with space/na\u00efve \u2603.js", "C:\\scripts\\a:1.js", "x".repeat(2000)}) {
        engine.put(ScriptEngine.FILENAME, name);
        JsException e = assertThrows(JsException.class, () -> engine.eval("null.x"));
        assertEquals(name, e.getFileName());
        assertEquals(1, e.getLineNumber());
      }
    }

    @Test
    void nonStringFileNameUsesItsToString() {
      engine.put(ScriptEngine.FILENAME, new StringBuilder("built.js"));
      assertEquals("built.js", assertThrows(JsException.class, () -> engine.eval("null.x")).getFileName());
    }

    @Test
    void fileNameWhoseToStringIsNullFallsBackToTheDefault() throws ScriptException {
      engine.put(
          ScriptEngine.FILENAME,
          new Object() {
            @Override
            public String toString() {
              return null;
            }
          });
      assertEquals(1, engine.eval("1"));
      assertEquals("<eval>", assertThrows(JsException.class, () -> engine.eval("null.x")).getFileName());
    }

    @Test
    void hostileFileNamesDoNotBreakEvaluation() throws ScriptException {
      for (String name : new String[] {"", "a\0b.js", "\uD800.js", "line\nbreak.js", "x.js:99:99"}) {
        engine.put(ScriptEngine.FILENAME, name);
        assertEquals(2, engine.eval("1 + 1"));
        assertThrows(JsException.class, () -> engine.eval("null.x"));
      }
    }

    private void assertDoesNotThrowScript(String script) {
      try {
        engine.eval(script);
      } catch (ScriptException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Nested
  class ReaderInput {
    @Test
    void stringReaderIsEvaluated() throws ScriptException {
      assertEquals(6, engine.eval(new StringReader("var r = 2; r * 3")));
    }

    @Test
    void oneCharAtATimeReaderGivesTheWholeScript() throws ScriptException {
      String src = "var s = 'h\u00e9llo \u65e5\u672c \uD83D\uDE00';\nprint(s);\ns.length";
      assertEquals(11, engine.eval(new ChunkedReader(src, 1)));
      assertEquals("h\u00e9llo \u65e5\u672c \uD83D\uDE00" + NL, out.toString());
    }

    @Test
    void readerSplittingSurrogatePairsKeepsThePairs() throws ScriptException {
      String emoji = "\uD83D\uDE00\uD83C\uDF89\uD801\uDC37";
      String src = "var e = '" + emoji + "'; [e.length, e.codePointAt(0), e.codePointAt(4)].join()";
      assertEquals("6,128512,66615", engine.eval(new SurrogateSplittingReader(src)));
      assertEquals(emoji, engine.get("e"));
    }

    @Test
    void irregularChunksGiveTheWholeScript() throws ScriptException {
      StringBuilder src = new StringBuilder("var total = 0;\n");
      for (int i = 0; i < 2000; i++) {
        src.append("total += ").append(i).append("; // \u00e9\uD83D\uDE00\n");
      }
      src.append("total");
      assertEquals(1999 * 2000 / 2, engine.eval(new ChunkedReader(src.toString(), 1, 7, 8191, 3, 8192, 2)));
    }

    @Test
    void emptyReaderGivesNull() throws ScriptException {
      assertNull(engine.eval(new StringReader("")));
    }

    @Test
    void hugeReaderGivesTheWholeScript() throws ScriptException {
      String src = "'" + "\u00e9".repeat(10_000_000) + "'.length";
      assertEquals(10_000_000, engine.eval(new ChunkedReader(src, 8192, 1, 100_000)));
    }

    @Test
    void failingReaderIsAScriptExceptionWithTheCause() {
      IOException boom = new IOException("disk on fire");
      Reader failing =
          new Reader() {
            @Override
            public int read(char[] cbuf, int off, int len) throws IOException {
              throw boom;
            }

            @Override
            public void close() {}
          };
      ScriptException e = assertThrows(ScriptException.class, () -> engine.eval(failing));
      assertSame(boom, e.getCause());
    }

    @Test
    void readerWithBindingsAndContextUsesThem() throws ScriptException {
      SimpleBindings b = new SimpleBindings();
      b.put("v", 20);
      assertEquals(21, engine.eval(new StringReader("v + 1"), b));
      javax.script.SimpleScriptContext ctx = new javax.script.SimpleScriptContext();
      StringWriter w = new StringWriter();
      ctx.setWriter(w);
      engine.eval(new ChunkedReader("print('ctx')", 1), ctx);
      assertEquals("ctx" + NL, w.toString());
    }
  }

  @Nested
  class Printing {
    @Test
    void printJoinsArgumentsWithSpacesAndEndsTheLine() throws ScriptException {
      engine.eval("print('a', 1, true, null, undefined, {}, [1, 2], 1.5, -0, 10n)");
      assertEquals("a 1 true null undefined [object Object] 1,2 1.5 0 10" + NL, out.toString());
    }

    @Test
    void printWithoutArgumentsPrintsAnEmptyLine() throws ScriptException {
      engine.eval("print()");
      assertEquals(NL, out.toString());
    }

    @Test
    void printUsesJsToString() throws ScriptException {
      engine.eval("print({ toString() { return 'custom' } }, [[1, [2]], 3], function f() {}.name)");
      assertEquals("custom 1,2,3 f" + NL, out.toString());
    }

    @Test
    void printKeepsExactUtf16() throws ScriptException {
      engine.eval("print('\\uD800', '\\uDC00', '\\u0000', '\\uD83D\\uDE00', '\\u2028')");
      assertEquals("\uD800 \uDC00 \u0000 \uD83D\uDE00 \u2028" + NL, out.toString());
    }

    @Test
    void printOfAHugeStringWritesAllOfIt() throws ScriptException {
      engine.eval("print('\\u00e9\\u65e5'.repeat(5_000_000))");
      assertEquals("\u00e9\u65e5".repeat(5_000_000) + NL, out.toString());
    }

    @Test
    void failingToStringPrintsNothingAndThrows() {
      JsException e =
          assertThrows(
              JsException.class,
              () -> engine.eval("print('first', { toString() { throw new RangeError('no string') } })"));
      assertEquals("RangeError", e.getErrorName());
      assertEquals("", out.toString());
    }

    @Test
    void consoleLogInfoDebugGoToTheWriter() throws ScriptException {
      engine.eval("console.log('log', 1); console.info('info'); console.debug('debug')");
      assertEquals("log 1" + NL + "info" + NL + "debug" + NL, out.toString());
      assertEquals("", err.toString());
    }

    @Test
    void consoleWarnErrorGoToTheErrorWriter() throws ScriptException {
      engine.eval("console.warn('warn', 2); console.error('error')");
      assertEquals("warn 2" + NL + "error" + NL, err.toString());
      assertEquals("", out.toString());
    }

    @Test
    void printFlushesTheWriter() throws ScriptException {
      StringWriter target = new StringWriter();
      engine.getContext().setWriter(new BufferedWriter(target, 1 << 16));
      engine.eval("print('flushed')");
      assertEquals("flushed" + NL, target.toString());
    }

    @Test
    void writersSwappedBetweenCallsAreHonoured() throws ScriptException {
      StringWriter first = new StringWriter();
      StringWriter second = new StringWriter();
      engine.getContext().setWriter(first);
      engine.eval("print('one')");
      engine.getContext().setWriter(second);
      engine.eval("print('two')");
      assertEquals("one" + NL, first.toString());
      assertEquals("two" + NL, second.toString());
    }

    @Test
    void writersSwappedBeforeInvokeFunctionAreHonoured() throws Exception {
      engine.eval("function say(w) { print(w); console.error('e:' + w) }");
      StringWriter w2 = new StringWriter();
      StringWriter e2 = new StringWriter();
      engine.getContext().setWriter(w2);
      engine.getContext().setErrorWriter(e2);
      ((Invocable) engine).invokeFunction("say", "hi");
      assertEquals("hi" + NL, w2.toString());
      assertEquals("e:hi" + NL, e2.toString());
      assertEquals("", out.toString());
      assertEquals("", err.toString());
    }

    @Test
    void writersSwappedBeforeAMirrorCallAreHonoured() throws ScriptException {
      JsFunction say = (JsFunction) engine.eval("(w) => print(w)");
      StringWriter w3 = new StringWriter();
      engine.getContext().setWriter(w3);
      say.call("via mirror");
      assertEquals("via mirror" + NL, w3.toString());
    }

    @Test
    void contextWriterIsUsedOnlyForThatEval() throws ScriptException {
      javax.script.SimpleScriptContext ctx = new javax.script.SimpleScriptContext();
      StringWriter ctxOut = new StringWriter();
      ctx.setWriter(ctxOut);
      ctx.setBindings(engine.getBindings(ScriptContext.ENGINE_SCOPE), ScriptContext.ENGINE_SCOPE);
      engine.eval("print('to context')", ctx);
      engine.eval("print('to engine')");
      assertEquals("to context" + NL, ctxOut.toString());
      assertEquals("to engine" + NL, out.toString());
    }

    @Test
    void nullWriterDropsOutputQuietly() throws ScriptException {
      engine.getContext().setWriter(null);
      assertEquals(1, engine.eval("print('nowhere'); 1"));
    }

    @Test
    void reassignedPrintIsTheScriptsOwn() throws ScriptException {
      engine.eval("var lines = []; print = (s) => lines.push(s); print('captured')");
      assertEquals("", out.toString());
      assertEquals("captured", engine.eval("lines[0]"));
    }
  }

  @Nested
  class PromiseJobs {
    @Test
    void thenCallbacksRunBeforeEvalReturns() throws ScriptException {
      engine.eval("Promise.resolve().then(() => print('x'))");
      assertEquals("x" + NL, out.toString());
    }

    @Test
    void asyncFunctionsFinishBeforeEvalReturns() throws ScriptException {
      engine.eval(
          "var steps = [];"
              + "async function f() { steps.push(1); await null; steps.push(2);"
              + " const v = await Promise.resolve(3); steps.push(v); print('after') }"
              + "f(); print('sync')");
      assertEquals("sync" + NL + "after" + NL, out.toString());
      assertEquals("1,2,3", engine.eval("steps.join()"));
    }

    @Test
    void longPromiseChainsRunToTheEnd() throws ScriptException {
      engine.eval("var n = 0; let p = Promise.resolve(); for (let i = 0; i < 10000; i++) p = p.then(() => n++)");
      assertEquals(10000, engine.get("n"));
    }

    @Test
    void jobsQueuedByInvokeFunctionRunBeforeItReturns() throws Exception {
      engine.eval("var done = false; function later() { Promise.resolve().then(() => { done = true }); return done }");
      assertEquals(false, ((Invocable) engine).invokeFunction("later"));
      assertEquals(true, engine.get("done"));
    }

    @Test
    void jobsQueuedByAMirrorCallRunBeforeItReturns() throws ScriptException {
      JsFunction f = (JsFunction) engine.eval("var log = []; (x) => { Promise.resolve(x).then(v => log.push(v)); return log.length }");
      assertEquals(0, f.call("a"));
      assertEquals(1, engine.eval("log.length"));
    }

    @Test
    void aFailingJobDoesNotFailTheEval() throws ScriptException {
      assertEquals(7, engine.eval("Promise.resolve().then(() => { throw new Error('late') }); 7"));
      assertEquals(2, engine.eval("1 + 1"));
    }

    @Test
    void jobsRunEvenWhenTheScriptThrows() {
      assertThrows(
          JsException.class,
          () -> engine.eval("Promise.resolve().then(() => print('job')); throw new Error('sync')"));
      assertEquals("job" + NL, out.toString());
    }

    @Test
    void evalReturningAPromiseGivesACompletedFuture() throws Exception {
      Object p = engine.eval("Promise.resolve(5)");
      java.util.concurrent.CompletableFuture<?> f =
          assertInstanceOf(java.util.concurrent.CompletableFuture.class, p);
      assertEquals(5, f.getNow(null), "the promise was settled when eval returned");
    }
  }

  @Nested
  class RepeatedEval {
    @Test
    void repeatedSourceReRunsSideEffects() throws ScriptException {
      String src = "counter = (typeof counter === 'undefined' ? 0 : counter) + 1; print('tick'); counter";
      assertEquals(1, engine.eval(src));
      assertEquals(2, engine.eval(src));
      assertEquals(3, engine.eval(src));
      assertEquals(("tick" + NL).repeat(3), out.toString());
    }

    @Test
    void repeatedSourceGivesFreshValues() throws ScriptException {
      Object a = engine.eval("({})");
      Object b = engine.eval("({})");
      assertNotEquals(a, b);
      assertNotEquals(engine.eval("Math.random()"), engine.eval("Math.random()"));
    }

    @Test
    void letRedeclarationFailsOnTheSecondRun() throws ScriptException {
      engine.eval("let x = 1");
      JsException e = assertThrows(JsException.class, () -> engine.eval("let x = 1"));
      assertEquals("SyntaxError", e.getErrorName());
      assertThrows(JsException.class, () -> engine.eval("let x = 1"));
      assertEquals(1, engine.eval("x"));
    }

    @Test
    void constAndClassRedeclarationFailOnTheSecondRun() throws ScriptException {
      engine.eval("const c = 1; class K {}");
      assertThrows(JsException.class, () -> engine.eval("const c = 1; class K {}"));
      assertEquals(1, engine.eval("c"));
      assertEquals("function", engine.eval("typeof K"));
    }

    @Test
    void failedRedeclarationRunsNoStatement() throws ScriptException {
      String src = "print('ran'); let y = 1";
      engine.eval(src);
      assertThrows(JsException.class, () -> engine.eval(src));
      assertEquals("ran" + NL, out.toString());
    }

    @Test
    void varAndFunctionRedeclarationIsFine() throws ScriptException {
      String src = "var v = (typeof v === 'number' ? v : 0) + 1; function g() { return v } g()";
      assertEquals(1, engine.eval(src));
      assertEquals(2, engine.eval(src));
    }

    @Test
    void sourceThatFailedSucceedsOnceItsInputsExist() throws ScriptException {
      String src = "notYet + 1";
      assertThrows(JsException.class, () -> engine.eval(src));
      engine.put("notYet", 41);
      assertEquals(42, engine.eval(src));
    }

    @Test
    void syntaxErrorRepeatsEveryTime() {
      for (int i = 0; i < 3; i++) {
        JsException e = assertThrows(JsException.class, () -> engine.eval("var = 1"));
        assertEquals("SyntaxError", e.getErrorName());
      }
    }

    @Test
    void sameSourceRunsSeparatelyInEachGlobal() throws ScriptException {
      String src = "var seen = (typeof seen === 'number' ? seen : 0) + 1; seen";
      Bindings other = engine.createBindings();
      assertEquals(1, engine.eval(src));
      assertEquals(1, engine.eval(src, other));
      assertEquals(2, engine.eval(src));
      assertEquals(2, engine.eval(src, other));
      SimpleBindings simple = new SimpleBindings();
      assertEquals(1, engine.eval(src, simple));
      assertEquals(2, engine.eval(src, simple));
    }

    @Test
    void manyDistinctSourcesThenAnOldOneStillWork() throws ScriptException {
      engine.eval("var hits = 0");
      String first = "hits++; 'first'";
      assertEquals("first", engine.eval(first));
      for (int i = 0; i < 200; i++) {
        assertEquals(i, engine.eval(i + " // source " + i));
      }
      assertEquals("first", engine.eval(first));
      assertEquals(2, engine.get("hits"));
    }

    @Test
    void largeSourceRepeatedReRunsToo() throws ScriptException {
      String src = "runs = (typeof runs === 'number' ? runs : 0) + 1; /*" + "x".repeat(300_000) + "*/ runs";
      assertEquals(1, engine.eval(src));
      assertEquals(2, engine.eval(src));
    }

    @Test
    void strictModeOfOneSourceDoesNotLeakToAnother() throws ScriptException {
      engine.eval("'use strict'; var s = 1");
      assertEquals(5, engine.eval("sloppyImplicit = 5"));
      assertThrows(JsException.class, () -> engine.eval("'use strict'; strictImplicit = 5"));
    }
  }

  @Nested
  class EmptyStrings {
    /** Patch 9: an empty string's NFC shortcut copied into a buffer never allocated. */
    @Test
    void anEmptyStringNormalizesAndComparesInEveryForm() throws ScriptException {
      assertEquals("", engine.eval("''.normalize()"));
      assertEquals("", engine.eval("''.normalize('NFD') + ''.normalize('NFKC') + ''.normalize('NFKD')"));
      assertEquals(1, engine.eval("'a'.localeCompare('')"));
      assertEquals(0, engine.eval("''.localeCompare('')"));
      assertEquals(-1, engine.eval("''.localeCompare('\u00e9')"));
    }
  }
}
