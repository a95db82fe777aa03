package dev.qjs.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@code eval} of arbitrary source under time, memory and stack limits: random bytes,
 * token soups from a grammar-ish generator, and mutations of the seed corpus
 * ({@code src/test/resources/fuzz/seeds/*.js}). Every input must give a value or a
 * {@link ScriptException} (syntax error, thrown value, limit hit), never any other exception
 * and never a crash; the engine must keep working after it. Budget: see {@link Fuzz}.
 */
class EvalFuzzTest {
  static final Duration TIME_LIMIT = Duration.ofMillis(100);
  static final long MEMORY_LIMIT = 32L << 20;
  static final long STACK = 256L << 10;

  private QuickJsScriptEngine engine;
  private int sinceCheck;

  static QuickJsScriptEngine newEngine() {
    return new QuickJsScriptEngineFactory()
        .getScriptEngine(
            QuickJsOptions.builder()
                .timeLimit(TIME_LIMIT)
                .memoryLimit(MEMORY_LIMIT)
                .maxStackSize(STACK)
                .build());
  }

  @BeforeEach
  void setUp() {
    engine = newEngine();
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  /** The property: a value or a ScriptException, and the engine still works afterwards. */
  static void evalOnce(QuickJsScriptEngine engine, String source) throws ScriptException {
    try {
      Object result = engine.eval(source);
      if (result instanceof dev.qjs.JsObject o) {
        o.toJava(); // a deep copy of whatever came out; must not throw but ScriptExceptions
      } else if (result instanceof dev.qjs.JsArray a) {
        a.toJava();
      }
    } catch (ScriptException | dev.qjs.UncheckedScriptException expected) {
      // syntax errors, thrown values and limit hits are all fine
    }
    assertEquals(2, engine.eval("1 + 1"), "the engine works after the input");
  }

  private void check(String prefix, byte[] input, String source) {
    try {
      evalOnce(engine, source);
      if (++sinceCheck % 200 == 0) {
        // a fresh engine now and then, so one input's global state cannot shadow the next's
        engine.close();
        engine = newEngine();
      }
    } catch (Throwable t) {
      Fuzz.saveAndFail(prefix, "js", input, "eval of a fuzz input failed", t);
    }
  }

  @Test
  void randomBytes() throws Exception {
    Fuzz.loop(
        "eval random bytes",
        (i, r) -> {
          byte[] b = new byte[r.nextInt(r.nextBoolean() ? 64 : 4096)];
          r.nextBytes(b);
          // random bytes as UTF-8 (malformed sequences become U+FFFD) and as Latin-1 chars
          check("eval", b, new String(b, StandardCharsets.UTF_8));
          check("eval", b, new String(b, StandardCharsets.ISO_8859_1));
        });
  }

  @Test
  void tokenSoup() throws Exception {
    Fuzz.loop(
        "eval token soup",
        (i, r) -> {
          String src = JsGrammar.program(r);
          check("eval", src.getBytes(StandardCharsets.UTF_8), src);
        });
  }

  @Test
  void seedCorpusMutations() throws Exception {
    List<byte[]> seeds = Fuzz.seeds("js");
    // the seeds themselves must run without failing the property
    for (byte[] s : seeds) {
      check("eval", s, Fuzz.utf8(s));
    }
    byte[][] dict = Fuzz.dictionary(JsGrammar.TOKENS);
    List<byte[]> pool = new ArrayList<>(seeds);
    Fuzz.loop(
        "eval seed mutations",
        (i, r) -> {
          byte[] base = pool.get(r.nextInt(pool.size()));
          byte[] m = Fuzz.mutate(r, base, pool, dict);
          check("eval", m, Fuzz.utf8(m));
          if (pool.size() < 512 && r.nextInt(4) == 0) {
            pool.add(m); // keep some mutants as bases: mutations stack up
          }
        });
  }

  /** Not a fuzz target: a grammar-ish generator of JavaScript "token soups". */
  static final class JsGrammar {
    static final String[] TOKENS = {
      "var", "let", "const", "function", "function*", "async", "await", "yield", "return",
      "if", "else", "for", "while", "do", "break", "continue", "switch", "case", "default:",
      "try", "catch", "finally", "throw", "new", "delete", "typeof", "void", "in", "of",
      "instanceof", "class", "extends", "super", "this", "null", "undefined", "true", "false",
      "=>", "...", "?.", "??", "?", ":", ";", ",", ".", "=", "+=", "**=", "&&=", "||=", "??=",
      "==", "===", "!==", "<", ">>>", "<<", "+", "-", "*", "/", "%", "**", "!", "~", "++", "--",
      "&", "|", "^", "&&", "||", "(", ")", "[", "]", "{", "}", "`", "${", "'", "\"", "/a+/g",
      "0", "1", "-1", "1e308", "0x7fffffff", "2n", "123456789012345678901234567890n", "NaN",
      "Infinity", "-0", ".5", "x", "y", "o", "a", "__proto__", "constructor", "prototype",
      "Symbol.iterator", "Object", "Array", "Proxy", "Reflect", "Promise", "JSON", "Math", "BigInt",
      "String", "RegExp", "Map", "Set", "WeakRef", "FinalizationRegistry", "ArrayBuffer",
      "Uint8Array", "DataView", "Date", "Error", "eval", "arguments", "get", "set", "static",
      "#p", "label:", "debugger", "with", "import", "export", "\n", " ", "\u2028", "/*", "*/", "//",
      "\\u0061", "'\\uD800'", "\"\\x00\"", "`${x}`", "print", "console.log",
    };

    private static final String[] OPS = {
      "+", "-", "*", "/", "%", "**", "==", "===", "!==", "<", ">>>", "<<", "&", "|", "^", "&&",
      "||", "??", "in", "instanceof", ",", "=",
    };

    private static final String[] CALLS = {
      "JSON.parse(%s)", "JSON.stringify(%s)", "String(%s)", "Number(%s)", "BigInt(%s)",
      "Object.keys(%s)", "Array.from(%s)", "[...%s]", "new Proxy(%s, {})", "%s.toString()",
      "Reflect.ownKeys(%s)", "structuredClone(%s)", "Object.freeze(%s)", "new Uint8Array(%s)",
      "%s.sort()", "%s.map(x => x)", "Promise.resolve(%s).then(x => x)", "new RegExp(%s)",
      "(%s).repeat(3)", "Symbol(%s)", "[%s].flat(Infinity)", "Object.entries(%s)", "new Date(%s)",
      "%s.localeCompare('a')", "%s.normalize()", "encodeURIComponent(%s)", "escape(%s)",
      "(function f(){ return %s })()", "new Map([[%s, %s]])", "Atomics.load(%s, 0)",
    };

    static String program(Random r) {
      StringBuilder sb = new StringBuilder();
      int statements = 1 + r.nextInt(8);
      for (int s = 0; s < statements; s++) {
        if (r.nextInt(3) == 0) {
          // a soup of raw tokens
          int n = 1 + r.nextInt(30);
          for (int k = 0; k < n; k++) {
            sb.append(TOKENS[r.nextInt(TOKENS.length)]).append(r.nextInt(4) == 0 ? "" : " ");
          }
        } else {
          sb.append(statement(r, 0));
        }
        sb.append(r.nextInt(5) == 0 ? "\n" : ";\n");
      }
      return sb.toString();
    }

    static String statement(Random r, int depth) {
      return switch (r.nextInt(depth > 3 ? 2 : 9)) {
        case 0 -> "var " + ident(r) + " = " + expr(r, depth + 1);
        case 1 -> expr(r, depth + 1);
        case 2 -> "if (" + expr(r, depth + 1) + ") { " + statement(r, depth + 1) + " } else { "
            + statement(r, depth + 1) + " }";
        case 3 -> "for (let i = 0; i < " + r.nextInt(1000) + "; i++) { " + statement(r, depth + 1)
            + " }";
        case 4 -> "try { " + statement(r, depth + 1) + " } catch (e) { " + statement(r, depth + 1)
            + " }";
        case 5 -> "function " + ident(r) + "(a, b) { return " + expr(r, depth + 1) + " }";
        case 6 -> "class " + ident(r).toUpperCase() + " { constructor() { this.v = "
            + expr(r, depth + 1) + " } get g() { return " + expr(r, depth + 1) + " } }";
        case 7 -> "(async () => { await " + expr(r, depth + 1) + "; " + statement(r, depth + 1)
            + " })()";
        default -> "function* g() { yield " + expr(r, depth + 1) + " } [...g()]";
      };
    }

    static String expr(Random r, int depth) {
      if (depth > 5) {
        return literal(r);
      }
      return switch (r.nextInt(8)) {
        case 0, 1 -> literal(r);
        case 2 -> ident(r);
        case 3 -> expr(r, depth + 1) + " " + OPS[r.nextInt(OPS.length)] + " " + expr(r, depth + 1);
        case 4 -> String.format(CALLS[r.nextInt(CALLS.length)], expr(r, depth + 1),
            expr(r, depth + 1));
        case 5 -> "[" + expr(r, depth + 1) + ", " + expr(r, depth + 1) + "]";
        case 6 -> "({" + ident(r) + ": " + expr(r, depth + 1) + ", ['k' + " + expr(r, depth + 1)
            + "]: 1})";
        default -> "(" + expr(r, depth + 1) + ")" + (r.nextBoolean() ? "." + ident(r) : "");
      };
    }

    static String ident(Random r) {
      return new String[] {"x", "y", "o", "a", "b", "f", "g", "length", "__proto__", "then"}[
          r.nextInt(10)];
    }

    static String literal(Random r) {
      return switch (r.nextInt(10)) {
        case 0 -> Integer.toString(r.nextInt());
        case 1 -> Double.toString(r.nextGaussian() * 1e6);
        case 2 -> new java.math.BigInteger(1 + r.nextInt(200), r) + "n";
        case 3 -> "'" + jsEscape(Fuzz.randomString(r, 12)) + "'";
        case 4 -> "`" + jsEscape(Fuzz.randomString(r, 8)) + "${" + r.nextInt(9) + "}`";
        case 5 -> "/" + new String[] {"(a+)+$", "[\\u{1F600}-\\u{1F64F}]", "(?<n>x)\\k<n>",
          "\\p{L}+", "(?=a)*", "a{0,99999}", "[^]", "\\b"}[r.nextInt(8)] + "/"
            + new String[] {"", "g", "u", "y", "s", "dgimsuy", "v"}[r.nextInt(7)];
        case 6 -> "[" + "1,".repeat(r.nextInt(50)) + "]";
        case 7 -> new String[] {"null", "undefined", "NaN", "-0", "Infinity", "true", "{}",
          "[]", "Symbol()", "new ArrayBuffer(8)"}[r.nextInt(10)];
        case 8 -> "x => " + r.nextInt(9);
        default -> "'" + "a".repeat(r.nextInt(3) == 0 ? r.nextInt(100_000) : r.nextInt(20)) + "'";
      };
    }

    /** Source text of a JS string literal body; lone surrogates as \\u escapes. */
    static String jsEscape(String s) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c == '\\' || c == '\'' || c == '`' || c == '$' || c >= 0x7f) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      return sb.toString();
    }
  }
}
