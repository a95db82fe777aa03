package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link Compilable}: compile once, run many times, against any context. */
class CompilableTest {
  /** Counts its own runs in whatever global object it runs against. */
  private static final String COUNTER =
      "var runs = (typeof runs === 'number' ? runs : 0) + 1; runs";

  private ScriptEngine engine;
  private Compilable comp;
  private final List<AutoCloseable> others = new ArrayList<>();

  @BeforeEach
  void setUp() {
    engine = new ScriptEngineManager().getEngineByName("quickjs");
    comp = (Compilable) engine;
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
    for (AutoCloseable c : others) {
      c.close();
    }
  }

  private static ScriptContext contextWith(Bindings engineScope) {
    ScriptContext ctx = new SimpleScriptContext();
    ctx.setBindings(engineScope, ScriptContext.ENGINE_SCOPE);
    return ctx;
  }

  @Nested
  class CompilingAndRunning {
    @Test
    void compileDoesNotRunTheScript() throws Exception {
      comp.compile("var ranAtCompile = true");
      assertEquals("undefined", engine.eval("typeof ranAtCompile"));
    }

    @Test
    void aCompiledScriptRunsManyTimesWithItsSideEffectsEachTime() throws Exception {
      CompiledScript cs = comp.compile(COUNTER);
      for (int i = 1; i <= 50; i++) {
        assertEquals(i, cs.eval());
      }
      assertEquals(50, engine.get("runs"));
    }

    @Test
    void compileFromAReaderWorksLikeFromAString() throws Exception {
      CompiledScript cs = comp.compile(new StringReader("var fromReader = 'r'; fromReader + 1"));
      assertEquals("r1", cs.eval());
      assertEquals("r", engine.get("fromReader"));
    }

    @Test
    void getEngineIsTheCompilingEngine() throws Exception {
      CompiledScript cs = comp.compile("1");
      assertSame(engine, cs.getEngine());
    }

    @Test
    void functionsDefinedByACompiledScriptAreInvocable() throws Exception {
      comp.compile("function twice(x) { return 2 * x }").eval();
      assertEquals(42, ((javax.script.Invocable) engine).invokeFunction("twice", 21));
    }

    @Test
    void seesCurrentValuesOfGlobalsAtEachRun() throws Exception {
      CompiledScript cs = comp.compile("input * 10");
      engine.put("input", 1);
      assertEquals(10, cs.eval());
      engine.put("input", 7);
      assertEquals(70, cs.eval());
    }

    @Test
    void returnsObjectsAsMirrors() throws Exception {
      Object r = comp.compile("({a: [1, 2], f() { return 3 }})").eval();
      assertInstanceOf(JsObject.class, r);
      assertInstanceOf(JsArray.class, ((JsObject) r).get("a"));
      assertEquals(3, ((JsObject) r).callMember("f"));
    }

    @Test
    void aRuntimeErrorIsThrownEveryRunAndTheScriptStaysUsable() throws Exception {
      CompiledScript cs = comp.compile("if (fail) throw new RangeError('run failed'); 'ok'");
      engine.put("fail", true);
      for (int i = 0; i < 3; i++) {
        JsException e = assertThrows(JsException.class, cs::eval);
        assertEquals("RangeError", e.getErrorName());
        assertTrue(e.getMessage().contains("run failed"), e.getMessage());
      }
      engine.put("fail", false);
      assertEquals("ok", cs.eval());
    }

    @Test
    void printGoesToTheWriterOfTheContextItRunsAgainst() throws Exception {
      CompiledScript cs = comp.compile("print('hello from compiled')");
      StringWriter out = new StringWriter();
      ScriptContext ctx = contextWith(engine.createBindings());
      ctx.setWriter(out);
      cs.eval(ctx);
      assertEquals("hello from compiled", out.toString().trim());
    }

    @Test
    void nullArgumentsAreNullPointerExceptions() throws Exception {
      assertThrows(NullPointerException.class, () -> comp.compile((String) null));
      assertThrows(NullPointerException.class, () -> comp.compile((Reader) null));
      CompiledScript cs = comp.compile("1");
      assertThrows(NullPointerException.class, () -> cs.eval((ScriptContext) null));
    }

    @Test
    void aFailingReaderIsAScriptException() {
      Reader broken =
          new Reader() {
            @Override
            public int read(char[] buf, int off, int len) throws IOException {
              throw new IOException("disk on fire");
            }

            @Override
            public void close() {}
          };
      ScriptException e = assertThrows(ScriptException.class, () -> comp.compile(broken));
      assertTrue(String.valueOf(e.getMessage()).contains("disk on fire"), e.getMessage());
    }

    @Test
    void theEmptyScriptCompilesAndRunsToNull() throws Exception {
      assertNull(comp.compile("").eval());
      assertNull(comp.compile("// only a comment\n").eval());
    }
  }

  @Nested
  class SyntaxErrors {
    @Test
    void areReportedAtCompileTimeAsJsExceptionWithTheLine() {
      JsException e =
          assertThrows(JsException.class, () -> comp.compile("var ok = 1;\nvar fine = 2;\nvar = ;\n"));
      assertEquals("SyntaxError", e.getErrorName());
      assertEquals(3, e.getLineNumber());
    }

    @Test
    void carryTheFileNameOfTheContext() {
      engine.getContext().setAttribute(ScriptEngine.FILENAME, "my-script.js", ScriptContext.ENGINE_SCOPE);
      JsException e = assertThrows(JsException.class, () -> comp.compile("\n\n\n  }"));
      assertEquals("SyntaxError", e.getErrorName());
      assertEquals("my-script.js", e.getFileName());
      assertEquals(4, e.getLineNumber());
    }

    @Test
    void areReportedForReadersToo() {
      JsException e = assertThrows(JsException.class, () -> comp.compile(new StringReader("(((")));
      assertEquals("SyntaxError", e.getErrorName());
    }

    @Test
    void leaveNoTraceAndTheEngineKeepsWorking() throws Exception {
      assertThrows(JsException.class, () -> comp.compile("var leaked = 1; let let = 2;"));
      assertEquals("undefined", engine.eval("typeof leaked"));
      assertEquals(3, comp.compile("1 + 2").eval());
    }

    @Test
    void includeEarlyErrorsThatAreNotParseErrors() {
      JsException e =
          assertThrows(JsException.class, () -> comp.compile("'use strict'; with ({}) {}"));
      assertEquals("SyntaxError", e.getErrorName());
      assertThrows(JsException.class, () -> comp.compile("return 1"));
      assertThrows(JsException.class, () -> comp.compile("let x; let x;"));
    }
  }

  @Nested
  class OtherContexts {
    @Test
    void runningAgainstCreateBindingsLeavesTheEnginesGlobalsAlone() throws Exception {
      CompiledScript cs = comp.compile(COUNTER);
      assertEquals(1, cs.eval());
      assertEquals(2, cs.eval());
      Bindings b = engine.createBindings();
      assertEquals(1, cs.eval(b));
      assertEquals(2, cs.eval(b));
      assertEquals(3, cs.eval(b));
      assertEquals(2, engine.get("runs"));
      assertEquals(3, b.get("runs"));
      assertEquals(3, cs.eval());
    }

    @Test
    void runningAgainstSimpleBindingsWritesItsGlobalsBackThere() throws Exception {
      CompiledScript cs = comp.compile("var total = base + 1; function helper() {} total");
      engine.put("base", 100);
      SimpleBindings sb = new SimpleBindings();
      sb.put("base", 10);
      assertEquals(11, cs.eval(sb));
      assertEquals(11, sb.get("total"));
      assertTrue(sb.containsKey("helper"));
      assertNull(engine.get("total"), "the engine's own globals are untouched");
      assertEquals(101, cs.eval());
      assertEquals(11, sb.get("total"));
    }

    @Test
    void runningAgainstASimpleScriptContextUsesItsBindingsAndWriter() throws Exception {
      CompiledScript cs = comp.compile(COUNTER + "; print('runs=' + runs); runs");
      SimpleScriptContext ctx = new SimpleScriptContext();
      StringWriter out = new StringWriter();
      ctx.setWriter(out);
      assertEquals(1, cs.eval(ctx));
      assertEquals(2, cs.eval(ctx));
      assertTrue(out.toString().contains("runs=2"), out.toString());
      assertEquals(2, ctx.getAttribute("runs"));
      assertNull(engine.get("runs"));
    }

    @Test
    void theEnginesContextIsNotChangedByRunningAgainstAnother() throws Exception {
      ScriptContext before = engine.getContext();
      Bindings beforeBindings = engine.getBindings(ScriptContext.ENGINE_SCOPE);
      comp.compile("var z = 1").eval(new SimpleScriptContext());
      assertSame(before, engine.getContext());
      assertSame(beforeBindings, engine.getBindings(ScriptContext.ENGINE_SCOPE));
      assertNull(engine.get("z"));
    }

    @Test
    void manyContextsKeepSeparateStateForOneCompiledScript() throws Exception {
      CompiledScript cs = comp.compile(COUNTER);
      List<Bindings> all = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        all.add(i % 2 == 0 ? engine.createBindings() : new SimpleBindings());
      }
      for (int round = 1; round <= 3; round++) {
        for (Bindings b : all) {
          assertEquals(round, cs.eval(b));
        }
      }
      for (Bindings b : all) {
        assertEquals(3, b.get("runs"));
      }
    }

    @Test
    void functionsDefinedInAnotherContextStayThere() throws Exception {
      CompiledScript cs = comp.compile("function where() { return here }");
      Bindings b = engine.createBindings();
      b.put("here", "bindings");
      cs.eval(b);
      assertEquals("undefined", engine.eval("typeof where"));
      assertEquals("bindings", engine.eval("where()", b));
    }

    @Test
    void stillWorksAfterTheBindingsItFirstRanOnAreGone() throws Exception {
      CompiledScript cs = comp.compile(COUNTER);
      Bindings first = engine.createBindings();
      assertEquals(1, cs.eval(first));
      SimpleBindings second = new SimpleBindings();
      assertEquals(1, cs.eval(second));
      first = null;
      second = null;
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(20);
        engine.eval("0"); // frees realms and handles the cleaner queued
      }
      assertEquals(1, cs.eval(engine.createBindings()));
      assertEquals(1, cs.eval(new SimpleBindings()));
      assertEquals(1, cs.eval());
      assertEquals(2, cs.eval());
    }

    @Test
    void stillWorksAfterTheBindingsItWasCompiledInAreGone() throws Exception {
      ScriptContext original = engine.getContext();
      ScriptContext temporary = contextWith(new SimpleBindings());
      engine.setContext(temporary);
      CompiledScript cs = comp.compile(COUNTER);
      engine.setContext(original);
      temporary = null;
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(20);
        engine.eval("0");
      }
      assertEquals(1, cs.eval());
      assertEquals(1, cs.eval(engine.createBindings()));
      assertEquals(2, cs.eval());
    }

    @Test
    void bindingsOfAnotherEngineAreTreatedAsPlainBindings() throws Exception {
      ScriptEngine other = new ScriptEngineManager().getEngineByName("quickjs");
      others.add((AutoCloseable) other);
      Bindings foreign = other.createBindings();
      foreign.put("x", 5);
      CompiledScript cs = comp.compile("var y = x * 2; y");
      assertEquals(10, cs.eval(foreign));
      assertEquals(10, foreign.get("y"));
      assertEquals(10, other.eval("y", foreign));
    }

    @Test
    void concurrentRunsAgainstSeparateBindingsKeepSeparateState() throws Exception {
      CompiledScript cs = comp.compile(COUNTER);
      int threads = 4;
      int runs = 200;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Bindings>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          futures.add(
              pool.submit(
                  () -> {
                    Bindings b = id % 2 == 0 ? engine.createBindings() : new SimpleBindings();
                    for (int i = 1; i <= runs; i++) {
                      Object r = cs.eval(b);
                      if (!Integer.valueOf(i).equals(r)) {
                        throw new AssertionError("thread " + id + " run " + i + " gave " + r);
                      }
                    }
                    return b;
                  }));
        }
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () -> {
              for (Future<Bindings> f : futures) {
                assertEquals(runs, f.get().get("runs"));
              }
            });
      } finally {
        pool.shutdownNow();
      }
      assertNull(engine.get("runs"));
    }
  }

  @Nested
  class HugeAndHostileInput {
    @Test
    void compilesAndRunsAScriptOfManyStatements() throws Exception {
      int n = 100_000;
      StringBuilder sb = new StringBuilder(n * 24);
      sb.append("var acc = 0;\n");
      for (int i = 0; i < n; i++) {
        sb.append("acc += ").append(i % 7).append(";\n");
      }
      sb.append("acc");
      long expected = 0;
      for (int i = 0; i < n; i++) {
        expected += i % 7;
      }
      CompiledScript cs = comp.compile(sb.toString());
      assertEquals((int) expected, cs.eval());
      assertEquals((int) expected, cs.eval(engine.createBindings()));
    }

    @Test
    void compilesAHugeStringLiteral() throws Exception {
      String big = "x".repeat(8 << 20);
      CompiledScript cs = comp.compile("var s = '" + big + "'; s.length");
      assertEquals(8 << 20, cs.eval());
      assertEquals(8 << 20, cs.eval(new SimpleBindings()));
    }

    @Test
    void compilesManyFunctionsAndNonAsciiSource() throws Exception {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 5_000; i++) {
        sb.append("function f").append(i).append("() { return '\u00e9\u4e2d\ud83d\ude00").append(i).append("' }\n");
      }
      sb.append("f4999()");
      CompiledScript cs = comp.compile(sb.toString());
      assertEquals("\u00e9\u4e2d\ud83d\ude004999", cs.eval());
      assertEquals("\u00e9\u4e2d\ud83d\ude004999", cs.eval(engine.createBindings()));
    }

    @Test
    void deeplyNestedInputIsAnErrorNotACrash() throws Exception {
      int depth = 200_000;
      String nested = "(".repeat(depth) + "1" + ")".repeat(depth);
      JsException e = assertThrows(JsException.class, () -> comp.compile(nested));
      assertNotNull(e.getErrorName());
      String arrays = "[".repeat(depth) + "]".repeat(depth);
      assertThrows(JsException.class, () -> comp.compile(arrays));
      String blocks = "{".repeat(depth) + "}".repeat(depth);
      assertThrows(JsException.class, () -> comp.compile(blocks));
      assertEquals(2, comp.compile("1 + 1").eval());
    }

    @Test
    void sourceWithNulAndLoneSurrogatesDoesNotConfuseTheCompiler() throws Exception {
      assertEquals(3, comp.compile("'a\u0000b'.length").eval());
      assertEquals(1, comp.compile("'\ud800'.length").eval());
      assertThrows(JsException.class, () -> comp.compile("var a = 1;\u0000 var b = ;"));
    }

    @Test
    void manyCompiledScriptsCanBeMadeAndDropped() throws Exception {
      for (int i = 0; i < 2_000; i++) {
        CompiledScript cs = comp.compile("var v" + (i % 10) + " = " + i + "; v" + (i % 10));
        assertEquals(i, cs.eval());
        if (i % 500 == 0) {
          assertEquals(i, cs.eval(engine.createBindings()));
        }
      }
      assertFalse(engine.getBindings(ScriptContext.ENGINE_SCOPE).isEmpty());
    }
  }
}
