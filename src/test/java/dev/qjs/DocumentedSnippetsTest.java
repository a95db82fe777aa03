package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code blocks of the docs that say they are tested are the code of a test. A block marked
 * {@code <!-- tested: SomeTest#method -->} (the marker on the line before its fence) must be,
 * line for line after removing the common indentation, what that method of
 * {@code src/test/java/dev/qjs/SomeTest.java} has between its {@code // snippet} and
 * {@code // end} lines; the test itself checks the code does what the page says.
 */
class DocumentedSnippetsTest {
  private static final Pattern MARKER = Pattern.compile("<!-- tested: (\\w+)#(\\w+) -->");

  record Snippet(Path page, int line, String testClass, String method, List<String> code) {}

  @Test
  void everyTestedBlockOfTheDocsIsTheCodeOfItsTest() throws IOException {
    List<Snippet> snippets = snippets();
    assertTrue(snippets.size() >= 8, "the migration guides mark their blocks: found " + snippets.size());
    List<String> failures = new ArrayList<>();
    for (Snippet s : snippets) {
      String where = s.page() + ":" + s.line() + " (" + s.testClass() + "#" + s.method() + ")";
      List<String> test = testSnippet(s.testClass(), s.method(), where);
      if (!dedent(test).equals(dedent(s.code()))) {
        failures.add(where + " differs from its test:\n  page: " + dedent(s.code()) + "\n  test: " + dedent(test));
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void aBlockThatDiffersFromItsTestIsFound() {
    List<String> page = List.of("  int x = 1;", "  int y = 2;");
    List<String> test = List.of("    int x = 1;", "    int y = 3;");
    assertTrue(!dedent(page).equals(dedent(test)), "a changed line must not compare equal");
    assertEquals(dedent(List.of("int x = 1;", "int y = 2;")), dedent(page), "indentation is not a difference");
  }

  static List<Snippet> snippets() throws IOException {
    List<Snippet> found = new ArrayList<>();
    List<Path> pages = new ArrayList<>();
    pages.add(Path.of("README.md"));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    for (Path page : pages) {
      List<String> lines = Files.readAllLines(page);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = MARKER.matcher(lines.get(i));
        if (!m.find()) {
          continue;
        }
        int fence = i + 1;
        if (fence >= lines.size() || !lines.get(fence).startsWith("```")) {
          fail(page + ":" + (i + 1) + ": a tested marker must be followed by a code fence");
        }
        List<String> code = new ArrayList<>();
        int j = fence + 1;
        while (j < lines.size() && !lines.get(j).startsWith("```")) {
          code.add(lines.get(j++));
        }
        found.add(new Snippet(page, i + 1, m.group(1), m.group(2), code));
      }
    }
    return found;
  }

  /** The lines between {@code // snippet} and {@code // end} in the named test method. */
  static List<String> testSnippet(String testClass, String method, String where) throws IOException {
    Path source = Path.of("src/test/java/dev/qjs", testClass + ".java");
    if (!Files.exists(source)) {
      fail(where + ": no test class " + source);
    }
    List<String> lines = Files.readAllLines(source);
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(" void " + method + "(")) {
        start = i;
        break;
      }
    }
    if (start < 0) {
      fail(where + ": " + testClass + " has no method " + method);
    }
    List<String> code = new ArrayList<>();
    boolean in = false;
    for (int i = start + 1; i < lines.size(); i++) {
      String t = lines.get(i).trim();
      if (t.equals("// snippet")) {
        in = true;
      } else if (t.equals("// end")) {
        return code;
      } else if (in) {
        code.add(lines.get(i));
      } else if (t.startsWith("@Test")) {
        break; // the next test: this one has no snippet
      }
    }
    return fail(where + ": " + testClass + "#" + method + " has no // snippet ... // end lines");
  }

  /** The lines without the indentation they all share, trailing spaces dropped, blank ends cut. */
  static List<String> dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(indent).stripTrailing());
    }
    while (!out.isEmpty() && out.get(0).isEmpty()) {
      out.remove(0);
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }
}
