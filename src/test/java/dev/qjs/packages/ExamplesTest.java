package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qjs.cli.ScriptFileRunner;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples the README runs with {@code mvn -q compile exec:java -Dscript=examples/…} print
 * exactly this, through the same runner, so they cannot rot unnoticed.
 */
class ExamplesTest {
  /** What the script prints, run as exec:java runs it (with target/npm's node_modules). */
  private static String run(String script) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path npm = Path.of(System.getProperty("quickjs.npm.dir", "target/npm"));
    int status = ScriptFileRunner.run(List.of(Path.of("examples", script)), npm, out, err);
    assertEquals("", err.toString(), script + " wrote errors");
    assertEquals(0, status, script + " failed");
    return out.toString().replace("\r\n", "\n");
  }

  @Test
  void helloRuns() throws Exception {
    assertEquals(
        """
        Hello from QuickJS, Java and JavaScript!
        The answer is 42 - 3
        typeof Promise.withResolvers: function
        """,
        run("hello.js"));
  }

  @Test
  void theTemplatingServiceRendersThePageFromTheJsonModel() throws Exception {
    assertEquals(
        """
        <!doctype html>
        <title>Tea &amp; Cake &lt;Corner&gt;</title>
        <h1>Tea &amp; Cake &lt;Corner&gt;</h1>
        <ul>
          <li>Sencha: EUR 8.50 (green, japan)</li>
          <li>Cheesecake: EUR 4.25</li>
        </ul>
        <p>2 products in stock, 1 sold out.</p>
        """,
        run("templating.mjs"));
  }

  @Test
  void theRulesEngineDecidesOnEveryOrder() throws Exception {
    PackageScripts.npmProject("json-logic-js"); // fails, saying why, when npm could not fetch it
    assertEquals(
        """
        ORD-1001: loyal customer, big basket
          discount 15%
        ORD-1002: fragile goods abroad
          discount 0%, flags: insure
        ORD-1003: blocked customer
          discount 0%, flags: reject
        ORD-1004: no rule
          discount 0%
        """,
        run("rules.mjs"));
  }

  @Test
  void theAsyncExampleAwaitsJavaFuturesAndTimers() throws Exception {
    assertEquals(
        """
        1. sync -> microtask -> promise -> timer
        2. eu    3 sales, total 242.75
        2. us    2 sales, total 329.99
        2. asia  4 sales, total 231.49
        3. the eu report came well within 5 s
        3. timed out after 30 ms
        4. caught: no file async/missing.json in the script's folder
        5. the interval ticked 3 times
        """,
        run("async.mjs"));
  }
}
