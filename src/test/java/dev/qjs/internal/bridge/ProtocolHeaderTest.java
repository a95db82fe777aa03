package dev.qjs.internal.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The C↔Java protocol is written once, in {@code native-libs/include/qjs_shim.h}: each {@code
 * #define QJS_<NAME> <integer>} (or {@code QJS_<NAME>} enumerator) is mirrored by the {@code
 * static final} primitive field {@code QuickJsNative.<NAME>}, and every such field mirrors one.
 * A value changed, or a name added, on one side only fails the build here, and so does a copy of
 * a header constant (a macro or an enumerator, with or without the prefix) in any C file or
 * header under {@code native-libs/src}.
 */
class ProtocolHeaderTest {
  private static final Path NATIVE_LIBS =
      Path.of(System.getProperty("basedir", ".")).resolve("native-libs");
  private static final Path HEADER = NATIVE_LIBS.resolve("include/qjs_shim.h");
  private static final Path SOURCES = NATIVE_LIBS.resolve("src");

  /** Macros of the header that are not protocol constants: the include guard and the export. */
  private static final Set<String> NOT_PROTOCOL = Set.of("QJS_SHIM_H", "QJS_EXPORT");

  private static final String PREFIX = "QJS_";

  private static final Pattern DEFINE =
      Pattern.compile("(?m)^[ \\t]*#[ \\t]*define[ \\t]+(\\w+)(\\([^)]*\\))?[ \\t]*(.*)$");
  private static final Pattern ENUM = Pattern.compile("\\benum\\b[^{;]*\\{([^}]*)\\}");
  private static final Pattern INTEGER =
      Pattern.compile("\\(?\\s*(-?)\\s*(0[xX][0-9a-fA-F]+|\\d+)[uUlL]*\\s*\\)?");

  // ---------------------------------------------------------------- the check

  @Test
  void everyHeaderConstantHasItsJavaTwinWithTheSameValue() throws IOException {
    Map<String, Long> header = headerConstants(read(HEADER));
    assertTrue(header.size() > 100, "too few constants read from " + HEADER + ": " + header.keySet());
    List<String> drift = drift(header, javaConstants(QuickJsNative.class));
    assertTrue(
        drift.isEmpty(),
        "qjs_shim.h and QuickJsNative disagree (the header is the source: change both sides):\n  "
            + String.join("\n  ", drift));
  }

  @Test
  void theShimKeepsNoPrivateCopyOfAProtocolConstant() throws IOException {
    Map<String, Long> header = headerConstants(read(HEADER));
    List<Path> sources = shimSources();
    assertTrue(sources.size() > 1, "too few shim sources under " + SOURCES + ": " + sources);
    List<String> copies = new ArrayList<>();
    for (Path source : sources) {
      copies.addAll(privateCopies(SOURCES.relativize(source).toString(), read(source), header));
    }
    assertTrue(
        copies.isEmpty(),
        "a protocol constant is defined once, in include/qjs_shim.h; the shim uses the header's:\n  "
            + String.join("\n  ", copies));
  }

  // ---------------------------------------------------------------- the check checked

  @Nested
  class DriftIsReported {
    private final Map<String, Long> header = Map.of("QJS_OK", 0L, "QJS_OP_PRINT", 1L);

    @Test
    void nothingWhenBothSidesAgree() {
      assertEquals(List.of(), drift(header, Map.of("OK", 0L, "OP_PRINT", 1L)));
    }

    @Test
    void aValueChangedOnOneSide() {
      assertEquals(
          List.of("QJS_OP_PRINT = 1 in qjs_shim.h, but QuickJsNative.OP_PRINT = 2"),
          drift(header, Map.of("OK", 0L, "OP_PRINT", 2L)));
    }

    @Test
    void aHeaderConstantMissingInJava() {
      assertEquals(
          List.of("QJS_OP_PRINT = 1 in qjs_shim.h has no QuickJsNative.OP_PRINT"),
          drift(header, Map.of("OK", 0L)));
    }

    @Test
    void aJavaConstantMissingInTheHeader() {
      assertEquals(
          List.of("QuickJsNative.OP_BEEP = 99 has no QJS_OP_BEEP in qjs_shim.h"),
          drift(header, Map.of("OK", 0L, "OP_PRINT", 1L, "OP_BEEP", 99L)));
    }
  }

  @Nested
  class PrivateCopiesAreFound {
    private final Map<String, Long> header = Map.of("QJS_FORMAT_ESM", 0L, "QJS_OP_PRINT", 1L);

    @Test
    void aDefineWithOrWithoutThePrefixAndAnEnumerator() {
      String text =
          """
          /* #define FORMAT_ESM 0 in a comment is no copy */
          #include "qjs_private.h"
          #define FORMAT_ESM 0
          #  define QJS_OP_PRINT 1
          enum { OTHER, OP_PRINT = 1 };
          #define CONSOLE_FORMAT 8
          """;
      assertEquals(
          List.of(
              "qjs_x.c:3 defines FORMAT_ESM again",
              "qjs_x.c:4 defines QJS_OP_PRINT again",
              "qjs_x.c:5 defines OP_PRINT again"),
          privateCopies("qjs_x.c", text, header));
    }
  }

  @Nested
  class HeaderParsing {
    @Test
    void definesWithCommentsHexNegativesAndEnums() {
      String text =
          """
          #ifndef QJS_SHIM_H
          #define QJS_SHIM_H
          #define QJS_EXPORT __attribute__((visibility("default")))
          #define QJS_A 7      /* seven, with a comment
                                  over two lines: #define QJS_NOT_ME 1 */
          #define QJS_B -2     // minus two
          #define QJS_C 0x10
          #define OTHER 5
          enum qjs_e { QJS_E0, QJS_E1, QJS_E5 = 5, QJS_E6 };
          """;
      Map<String, Long> expected = new LinkedHashMap<>();
      expected.put("QJS_A", 7L);
      expected.put("QJS_B", -2L);
      expected.put("QJS_C", 16L);
      expected.put("QJS_E0", 0L);
      expected.put("QJS_E1", 1L);
      expected.put("QJS_E5", 5L);
      expected.put("QJS_E6", 6L);
      assertEquals(expected, headerConstants(text));
    }

    @Test
    void aConstantThatIsNoIntegerLiteralIsRefused() {
      AssertionError e =
          assertThrows(AssertionError.class, () -> headerConstants("#define QJS_X (1 << 3)\n"));
      assertTrue(e.getMessage().contains("QJS_X"), e.getMessage());
    }

    @Test
    void aConstantDefinedTwiceIsRefused() {
      AssertionError e =
          assertThrows(AssertionError.class, () -> headerConstants("#define QJS_X 1\n#define QJS_X 2\n"));
      assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Every .c, .h and .inc file of the shim, in every folder under native-libs/src. */
  private static List<Path> shimSources() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".c") || p.toString().endsWith(".h") || p.toString().endsWith(".inc"))
          .sorted()
          .toList();
    }
  }

  /**
   * The header's constants that a shim file defines again, as a macro or an enumerator, with or
   * without the QJS_ prefix: "file:line defines NAME again", in the order of the file.
   */
  static List<String> privateCopies(String file, String text, Map<String, Long> header) {
    String code = blankComments(text);
    Map<Integer, String> found = new TreeMap<>();
    Matcher m = DEFINE.matcher(code);
    while (m.find()) {
      if (isProtocolName(m.group(1), header)) {
        found.put(m.start(1), m.group(1));
      }
    }
    Matcher e = ENUM.matcher(code);
    while (e.find()) {
      Matcher item = Pattern.compile("(?:^|,)\\s*(\\w+)").matcher(e.group(1));
      while (item.find()) {
        if (isProtocolName(item.group(1), header)) {
          found.put(e.start(1) + item.start(1), item.group(1));
        }
      }
    }
    List<String> copies = new ArrayList<>();
    found.forEach(
        (offset, name) -> copies.add(file + ":" + lineOf(code, offset) + " defines " + name + " again"));
    return copies;
  }

  private static boolean isProtocolName(String name, Map<String, Long> header) {
    return header.containsKey(name) || header.containsKey(PREFIX + name);
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** C text with each comment replaced by as many spaces and line breaks (offsets and lines kept). */
  static String blankComments(String text) {
    StringBuilder out = new StringBuilder(text);
    Matcher m = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*").matcher(text);
    while (m.find()) {
      for (int i = m.start(); i < m.end(); i++) {
        if (out.charAt(i) != '\n') {
          out.setCharAt(i, ' ');
        }
      }
    }
    return out.toString();
  }

  /** Every problem between the header's constants and Java's, one sentence each, sorted by name. */
  static List<String> drift(Map<String, Long> header, Map<String, Long> java) {
    List<String> problems = new ArrayList<>();
    Set<String> names = new TreeSet<>(header.keySet());
    for (String c : names) {
      String j = c.substring(PREFIX.length());
      Long value = header.get(c);
      if (!java.containsKey(j)) {
        problems.add(c + " = " + value + " in qjs_shim.h has no QuickJsNative." + j);
      } else if (!value.equals(java.get(j))) {
        problems.add(c + " = " + value + " in qjs_shim.h, but QuickJsNative." + j + " = " + java.get(j));
      }
    }
    for (String j : new TreeSet<>(java.keySet())) {
      if (!header.containsKey(PREFIX + j)) {
        problems.add("QuickJsNative." + j + " = " + java.get(j) + " has no " + PREFIX + j + " in qjs_shim.h");
      }
    }
    return problems;
  }

  /** The protocol constants of a header: QJS_ macros with an integer value, and QJS_ enumerators. */
  static Map<String, Long> headerConstants(String text) {
    String code = stripComments(text).replace("\\\n", " ");
    Map<String, Long> constants = new LinkedHashMap<>();
    Matcher m = DEFINE.matcher(code);
    while (m.find()) {
      String name = m.group(1);
      if (!name.startsWith(PREFIX) || NOT_PROTOCOL.contains(name)) {
        continue;
      }
      if (m.group(2) != null) {
        throw new AssertionError(name + " is a function-like macro; a protocol constant is an integer");
      }
      put(constants, name, integer(name, m.group(3).trim()));
    }
    Matcher e = ENUM.matcher(code);
    while (e.find()) {
      long next = 0;
      for (String entry : e.group(1).split(",")) {
        String item = entry.trim();
        if (item.isEmpty()) {
          continue;
        }
        int eq = item.indexOf('=');
        String name = (eq < 0 ? item : item.substring(0, eq)).trim();
        long value = eq < 0 ? next : integer(name, item.substring(eq + 1).trim());
        if (name.startsWith(PREFIX)) {
          put(constants, name, value);
        }
        next = value + 1;
      }
    }
    return constants;
  }

  private static void put(Map<String, Long> constants, String name, long value) {
    if (constants.put(name, value) != null) {
      throw new AssertionError(name + " is defined twice in the header");
    }
  }

  private static long integer(String name, String literal) {
    Matcher m = INTEGER.matcher(literal);
    if (!m.matches()) {
      throw new AssertionError(
          name + " = '" + literal + "': a protocol constant in the header is an integer literal");
    }
    String digits = m.group(2);
    long v = digits.startsWith("0x") || digits.startsWith("0X")
        ? Long.parseLong(digits.substring(2), 16)
        : Long.parseLong(digits);
    return m.group(1).isEmpty() ? v : -v;
  }

  /** C text without its comments (a comment's text never defines anything). */
  static String stripComments(String text) {
    return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", "");
  }

  /** Java's protocol constants: the static final primitive fields of the mapping class. */
  static Map<String, Long> javaConstants(Class<?> mapping) {
    Map<String, Long> constants = new LinkedHashMap<>();
    for (Field f : mapping.getDeclaredFields()) {
      int mod = f.getModifiers();
      if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType().isPrimitive()) {
        try {
          constants.put(f.getName(), f.getLong(null));
        } catch (IllegalAccessException | IllegalArgumentException e) {
          throw new AssertionError(mapping.getSimpleName() + "." + f.getName() + " is unreadable", e);
        }
      }
    }
    return constants;
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
