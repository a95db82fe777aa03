package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qjs.JsObject;
import java.time.Instant;
import java.util.Map;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * dayjs 1.11.21 with its utc, customParseFormat and German locale plugins, unmodified from the
 * WebJar: the CommonJS build through {@code require}, the ES build through {@code import}. All
 * dates are UTC, so results do not depend on the machine's time zone.
 */
class DayjsTest {
  private final ScriptEngine engine = PackageScripts.standardEngine();

  @BeforeEach
  void loadWithPlugins() throws Exception {
    engine.eval(
        "const dayjs = require('dayjs');\n"
            + "dayjs.extend(require('dayjs/plugin/utc'));\n"
            + "dayjs.extend(require('dayjs/plugin/customParseFormat'));\n"
            + "require('dayjs/locale/de');");
  }

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  @Test
  void formatsAndDoesCalendarMathInUtc() throws Exception {
    assertEquals(
        "2024-02-29 00:30 UTC",
        engine.eval("dayjs.utc('2024-02-28T23:30:00Z').add(1, 'hour').format('YYYY-MM-DD HH:mm [UTC]')"),
        "into a leap day");
    assertEquals("2024-02-29", engine.eval("dayjs.utc('2024-01-31').add(1, 'month').format('YYYY-MM-DD')"));
    assertEquals("2023-02-28", engine.eval("dayjs.utc('2024-02-29').subtract(1, 'year').format('YYYY-MM-DD')"));
    assertEquals(29, engine.eval("dayjs.utc('2024-03-01').diff(dayjs.utc('2024-02-01'), 'day')"));
    assertEquals("2024-12-30T00:00:00.000Z", engine.eval("dayjs.utc('2025-01-01T15:00:00Z').startOf('week').add(1, 'day').toISOString()"));
  }

  @Test
  void customParseFormatReadsDayMonthYearAndRejectsNonsenseStrictly() throws Exception {
    assertEquals(
        "2024-12-25T08:15:00.000Z",
        engine.eval("dayjs.utc('25/12/2024 08:15', 'DD/MM/YYYY HH:mm').toISOString()"));
    assertEquals(false, engine.eval("dayjs.utc('31/02/2024', 'DD/MM/YYYY', true).isValid()"));
  }

  @Test
  void theGermanLocaleNamesDaysAndMonths() throws Exception {
    assertEquals(
        "Donnerstag, 29. Februar 2024",
        engine.eval("dayjs.utc('2024-02-29T12:00:00Z').locale('de').format('dddd, D. MMMM YYYY')"));
    assertEquals("en", engine.eval("dayjs.locale()"), "the global locale is unchanged");
  }

  @Test
  void javaInstantsGoInAndComeBackAsInstants() throws Exception {
    engine.put("shipped", Instant.parse("2024-12-30T10:00:00Z"));
    assertEquals(
        Instant.parse("2025-01-02T10:00:00Z"),
        engine.eval("dayjs.utc(shipped).add(3, 'day').toDate()"));
    assertEquals("Monday, week of 2024-12-30", engine.eval("dayjs.utc(shipped).format('dddd, [week of] YYYY-MM-DD')"));
  }

  @Test
  void theEsBuildAndTheCommonJsBuildImportIntoOneModule() throws Exception {
    engine.put(ScriptEngine.FILENAME, "dates.mjs");
    JsObject exports =
        (JsObject)
            engine.eval(
                "import dayjs from 'dayjs';\n" // the CommonJS build: its module.exports is the default
                    + "import utc from 'dayjs/plugin/utc';\n"
                    + "import esm from 'dayjs/esm';\n"
                    + "import esmUtc from 'dayjs/esm/plugin/utc';\n"
                    + "dayjs.extend(utc);\n"
                    + "esm.extend(esmUtc);\n"
                    + "export const cjs = dayjs.utc('2000-01-01').add(100, 'day').format('YYYY-MM-DD');\n"
                    + "export const es = esm.utc('2000-01-01').add(100, 'day').format('YYYY-MM-DD');\n"
                    + "export const same = dayjs === require('dayjs');"); // one instance per realm
    assertEquals(Map.of("cjs", "2000-04-10", "es", "2000-04-10", "same", true), exports.toJava());
  }
}
