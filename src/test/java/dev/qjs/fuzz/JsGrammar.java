package dev.qjs.fuzz;

import java.util.Random;

/**
 * A grammar-ish generator of JavaScript: statements, expressions, literals (lone surrogates, huge
 * BigInts, catastrophic regular expressions, long strings) and "token soups" of raw tokens. Fed
 * by a {@link FuzzedRandom}, it turns Jazzer's bytes into programs that mostly parse, which raw
 * text mutation rarely reaches; every choice 0 is the smallest program.
 */
final class JsGrammar {
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
      case 3 -> "'" + jsEscape(randomString(r, 12)) + "'";
      case 4 -> "`" + jsEscape(randomString(r, 8)) + "${" + r.nextInt(9) + "}`";
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

  private static final char[] SPECIAL_CHARS = {
    '\0', '\n', '\r', '\t', '\\', '"', '\'', '`', '$', '{', '}', '\u2028', '\u2029', '\uFEFF',
    '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFFFF', '\u00e9', '\u4e2d', 0x7f, 0x80
  };

  /** A string with lone surrogates, pairs, NULs, escapes, BMP and ASCII characters. */
  static String randomString(Random r, int maxLen) {
    int len = r.nextInt(maxLen + 1);
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      int k = r.nextInt(10);
      if (k < 5) {
        sb.append((char) (0x20 + r.nextInt(0x5f)));
      } else if (k < 7) {
        sb.append(SPECIAL_CHARS[r.nextInt(SPECIAL_CHARS.length)]);
      } else if (k < 8) {
        sb.appendCodePoint(0x10000 + r.nextInt(0x10FFFF - 0x10000));
      } else {
        sb.append((char) r.nextInt(0x10000));
      }
    }
    return sb.toString();
  }
}
