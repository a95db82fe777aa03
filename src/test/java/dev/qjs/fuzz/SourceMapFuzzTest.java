package dev.qjs.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.qjs.internal.sourcemap.MapFetcher;
import dev.qjs.internal.sourcemap.OriginalPosition;
import dev.qjs.internal.sourcemap.SourceMaps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer target for the source-map layer the engine asks for original positions: any map (raw
 * JSON, a well-formed map around fuzzed {@code mappings}, an index map of two such sections,
 * the same inline as a {@code data:} URL) is either used or refused with a reason. A lookup
 * never throws, gives only sane positions, and no refusal is one of our own bugs (the registry
 * reports a RuntimeException from the decoder as an "internal error" instead of failing the
 * script, and this target fails on it).
 */
// a fuzz target like the others: native-libs/test-emulated.sh leaves the fuzz targets out (in the
// emulated JVM, Jazzer's JUnit integration refuses to start: "ArgumentsProvider does not override
// provideArguments(ParameterDeclarations, ExtensionContext)")
@Tag("slow-under-emulation")
class SourceMapFuzzTest {
  private static final Logger LOG = Logger.getLogger("dev.qjs.sourcemap");
  private static final List<String> WARNINGS = new ArrayList<>();

  static {
    LOG.setUseParentHandlers(false); // thousands of runs: keep the console quiet
    LOG.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            synchronized (WARNINGS) {
              WARNINGS.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
  }

  private static final String GENERATED = "a😀b(); c();\n\"é\"; d😀😀e();\nf();\n";

  @FuzzTest(maxDuration = "30s")
  void anyMapIsUsedOrRefused(FuzzedDataProvider data) {
    synchronized (WARNINGS) {
      WARNINGS.clear();
    }
    int shape = data.consumeInt(0, 2);
    int sources = data.consumeInt(0, 4);
    int names = data.consumeInt(0, 3);
    int[] lookups = new int[16];
    for (int i = 0; i < lookups.length; i++) {
      lookups[i] = data.consumeBoolean() ? data.consumeInt(-2, 40) : data.consumeInt();
    }
    String rest = data.consumeRemainingAsString();
    String json = switch (shape) {
      case 0 -> rest;
      case 1 -> regular(rest, sources, names);
      default -> {
        int half = rest.length() / 2;
        yield "{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},\"map\":"
            + regular(rest.substring(0, half), sources, names)
            + "},{\"offset\":{\"line\":1,\"column\":3},\"map\":"
            + regular(rest.substring(half), names, sources) + "}]}";
      }
    };
    SourceMaps maps = new SourceMaps(4);
    maps.register("explicit.js", GENERATED, json, MapFetcher.NONE);
    maps.register("inline.js", GENERATED + "//# sourceMappingURL=data:application/json;base64,"
        + Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)), null,
        MapFetcher.NONE);
    maps.register("percent.js", GENERATED + "//# sourceMappingURL=data:application/json," + rest,
        null, MapFetcher.NONE);
    maps.register("fetched.js", GENERATED + rest + "\n//# sourceMappingURL=x.map", null, url -> json);
    for (String file : new String[] {"explicit.js", "inline.js", "percent.js", "fetched.js"}) {
      for (int i = 0; i < lookups.length; i += 2) {
        OriginalPosition p = maps.map(file, lookups[i], lookups[i + 1]);
        if (p != null) {
          assertNotNull(p.source());
          assertTrue(p.line() >= 1 && p.column() >= 1, p.toString());
        }
        maps.originalSourceLine(file, p == null ? "a.ts" : p.source(), lookups[i]);
      }
    }
    synchronized (WARNINGS) {
      for (String w : WARNINGS) {
        if (w.contains("internal error")) {
          fail(w);
        }
      }
    }
  }

  private static String regular(String mappings, int sources, int names) {
    StringBuilder s = new StringBuilder("{\"version\":3,\"sources\":[");
    for (int i = 0; i < sources; i++) {
      s.append(i == 0 ? "" : ",").append(i == 2 ? "null" : "\"s" + i + ".ts\"");
    }
    s.append("],\"sourcesContent\":[\"a\\nb\"],\"names\":[");
    for (int i = 0; i < names; i++) {
      s.append(i == 0 ? "" : ",").append("\"n").append(i).append('"');
    }
    s.append("],\"ignoreList\":[],\"mappings\":\"");
    for (int i = 0; i < mappings.length(); i++) {
      char c = mappings.charAt(i);
      if (c == '"' || c == '\\') {
        s.append('\\').append(c);
      } else if (c < 0x20) {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return s.append("\"}").toString();
  }
}
