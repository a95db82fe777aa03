package dev.qjs.internal.modules;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * What a module's source shows of its format, found by one lexical pass (comments, strings,
 * templates and regular expressions skipped), as Node 22 detects the format of a {@code .js}
 * file that no {@code package.json} types: an {@code import} or {@code export} declaration at
 * the top level, or {@code import.meta} anywhere, is {@link #ESM}; otherwise {@code require(},
 * {@code module.exports} or a free {@code exports} is {@link #COMMONJS}; otherwise {@link
 * #NEITHER}. A heuristic: it never runs the code, and a regular expression after {@code )} is
 * taken for a division.
 */
enum SourceSyntax {
  ESM,
  COMMONJS,
  NEITHER;

  /** Keywords after which a {@code /} starts a regular expression. */
  private static final Set<String> BEFORE_EXPRESSION =
      Set.of(
          "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case",
          "do", "else", "yield", "await");

  static SourceSyntax detect(String text) {
    return new Scan(text).run();
  }

  private static final class Scan {
    private final String s;
    private final int n;
    private int pos;
    /** Open braces: true for a template substitution <code>${</code>, false for a plain one. */
    private final Deque<Boolean> braces = new ArrayDeque<>();
    private int parens;
    private boolean regexAllowed = true;
    /** The last significant character; 'a' after a word, 0 at the start. */
    private char last;
    private boolean commonJs;

    Scan(String s) {
      this.s = s;
      this.n = s.length();
    }

    SourceSyntax run() {
      if (s.startsWith("#!")) {
        skipLine();
      }
      while (pos < n) {
        char c = s.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u00a0' || c == '\ufeff'
            || c == '\u2028' || c == '\u2029') {
          pos++;
        } else if (c == '/' && pos + 1 < n && s.charAt(pos + 1) == '/') {
          skipLine();
        } else if (c == '/' && pos + 1 < n && s.charAt(pos + 1) == '*') {
          int end = s.indexOf("*/", pos + 2);
          pos = end < 0 ? n : end + 2;
        } else if (c == '"' || c == '\'') {
          skipString(c);
          after('"', false);
        } else if (c == '`') {
          pos++;
          afterTemplate(skipTemplate());
        } else if (isWordStart(c)) {
          if (word()) {
            return ESM;
          }
        } else if (c >= '0' && c <= '9') {
          while (pos < n && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.'
              || s.charAt(pos) == '_')) {
            pos++;
          }
          after('0', false);
        } else if (c == '/') {
          if (regexAllowed) {
            skipRegex();
            after('/', false);
          } else {
            pos++;
            after('/', true);
          }
        } else {
          pos++;
          punctuator(c);
        }
      }
      return commonJs ? COMMONJS : NEITHER;
    }

    private void after(char c, boolean regex) {
      last = c;
      regexAllowed = regex;
    }

    private void afterTemplate(boolean inSubstitution) {
      if (inSubstitution) {
        after('{', true);
      } else {
        after('"', false);
      }
    }

    private void punctuator(char c) {
      switch (c) {
        case '{':
          braces.push(Boolean.FALSE);
          after(c, true);
          break;
        case '}':
          if (!braces.isEmpty() && braces.pop()) {
            afterTemplate(skipTemplate()); // back inside the template after ${…}
          } else {
            after(c, true);
          }
          break;
        case '(':
        case '[':
          parens++;
          after(c, true);
          break;
        case ')':
        case ']':
          parens = Math.max(0, parens - 1);
          after(c, false);
          break;
        default:
          after(c, true);
      }
    }

    /** Reads a word; true when it proves ESM. */
    private boolean word() {
      int start = pos;
      while (pos < n && isWordPart(s.charAt(pos))) {
        pos++;
      }
      String w = s.substring(start, pos);
      boolean member = last == '.';
      boolean topLevel = braces.isEmpty() && parens == 0;
      after('a', BEFORE_EXPRESSION.contains(w) && !member);
      if (member) {
        return false;
      }
      switch (w) {
        case "import": {
          char next = peek();
          if (next == '.') {
            return s.startsWith("meta", nextSignificant(nextSignificant(pos) + 1));
          }
          return topLevel && (next == '{' || next == '*' || next == '"' || next == '\''
              || isWordStart(next));
        }
        case "export": {
          char next = peek();
          return topLevel && (next == '{' || next == '*' || isWordStart(next));
        }
        case "require":
          commonJs |= peek() == '(';
          return false;
        case "module": {
          if (peek() == '.') {
            commonJs |= s.startsWith("exports", nextSignificant(nextSignificant(pos) + 1));
          }
          return false;
        }
        case "exports":
          commonJs = true;
          return false;
        default:
          return false;
      }
    }

    private char peek() {
      int p = nextSignificant(pos);
      return p < n ? s.charAt(p) : 0;
    }

    /** The index of the next character that is neither blank nor in a comment. */
    private int nextSignificant(int from) {
      int p = from;
      while (p < n) {
        char c = s.charAt(p);
        if (Character.isWhitespace(c) || c == '\u00a0') {
          p++;
        } else if (c == '/' && p + 1 < n && s.charAt(p + 1) == '/') {
          int end = s.indexOf('\n', p);
          p = end < 0 ? n : end;
        } else if (c == '/' && p + 1 < n && s.charAt(p + 1) == '*') {
          int end = s.indexOf("*/", p + 2);
          p = end < 0 ? n : end + 2;
        } else {
          return p;
        }
      }
      return n;
    }

    private void skipLine() {
      while (pos < n && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
        pos++;
      }
    }

    private void skipString(char quote) {
      pos++;
      while (pos < n) {
        char c = s.charAt(pos++);
        if (c == '\\') {
          pos++;
        } else if (c == quote || c == '\n') {
          return;
        }
      }
    }

    /** Skips template text to its closing backtick (false) or into a substitution <code>${</code> (true). */
    private boolean skipTemplate() {
      while (pos < n) {
        char c = s.charAt(pos++);
        if (c == '\\') {
          pos++;
        } else if (c == '`') {
          return false;
        } else if (c == '$' && pos < n && s.charAt(pos) == '{') {
          pos++;
          braces.push(Boolean.TRUE);
          return true;
        }
      }
      return false;
    }

    private void skipRegex() {
      pos++;
      boolean inClass = false;
      while (pos < n) {
        char c = s.charAt(pos++);
        if (c == '\\') {
          pos++;
        } else if (c == '\n' || c == '\r') {
          return;
        } else if (c == '[') {
          inClass = true;
        } else if (c == ']') {
          inClass = false;
        } else if (c == '/' && !inClass) {
          while (pos < n && isWordPart(s.charAt(pos))) {
            pos++;
          }
          return;
        }
      }
    }

    private static boolean isWordStart(char c) {
      return Character.isLetter(c) || c == '$' || c == '_' || c == '\\';
    }

    private static boolean isWordPart(char c) {
      return Character.isLetterOrDigit(c) || c == '$' || c == '_' || c == '\\' || c == '\u200c'
          || c == '\u200d';
    }
  }
}
