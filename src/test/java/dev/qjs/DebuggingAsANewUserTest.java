package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.packages.NpmProject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's "done means", tried as a new user would: a Java program (the script runner, the
 * jar's main class) renders the templating example's Handlebars page through {@code javax.script}
 * with {@code -Dquickjs.debug.port} and {@code -Dquickjs.debug.suspend=true}; VS Code's own DAP
 * client (node, {@code src/test/dap/templating-session.js}) attaches as the documented launch
 * configuration does, stops at a breakpoint inside the {@code money} helper, reads the page's
 * model through the helper's arguments, steps out into Handlebars, continues — and the page is
 * rendered as without a debugger.
 */
@Tag("slow-under-emulation")
class DebuggingAsANewUserTest {
  private static final Path EXAMPLE = Path.of("examples/templating.mjs");

  @Test
  void vsCodeStopsInAHandlebarsHelperShowsTheModelStepsOutAndThePageRenders() throws Exception {
    Assumptions.assumeTrue(NpmProject.nodeInstalled(), "node is not installed");
    Path npm = NpmProject.with("@vscode/debugadapter-testsupport");
    Path script = EXAMPLE.toRealPath();
    int helperLine = lineOf(script, "(cents / 100).toFixed(2)");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String java = System.getProperty(
        "quickjs.tests.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process app = new ProcessBuilder(java, "-Dquickjs.debug.port=" + port,
        "-Dquickjs.debug.suspend=true", "-cp", System.getProperty("java.class.path"),
        "dev.qjs.cli.ScriptFileRunner", script.toString())
        .redirectErrorStream(true)
        .start();
    StringBuffer appText = new StringBuffer();
    CompletableFuture<Void> listening = new CompletableFuture<>();
    CompletableFuture<String> appOut = CompletableFuture.supplyAsync(() -> {
      try (var lines = new java.io.BufferedReader(
          new java.io.InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          appText.append(line).append('\n');
          if (line.contains("waits for a debugger")) {
            listening.complete(null);
          }
        }
      } catch (IOException e) {
        appText.append(e);
      }
      listening.complete(null);
      return appText.toString();
    });
    try {
      // the program logs (logger dev.qjs.debug) that it listens and that its first script waits
      listening.get(60, TimeUnit.SECONDS);
      ProcessBuilder pb = new ProcessBuilder("node",
          Path.of("src/test/dap/templating-session.js").toAbsolutePath().toString(),
          Integer.toString(port), script.toString(), Integer.toString(helperLine))
          .directory(npm.toFile())
          .redirectErrorStream(true);
      pb.environment().put("NODE_PATH", npm.resolve("node_modules").toString());
      Process node = pb.start();
      String session = readAll(node) + "\n--- the program:\n" + appText;
      assertTrue(node.waitFor(60, TimeUnit.SECONDS), session);
      assertEquals(0, node.exitValue(), session);
      assertTrue(session.contains("stopped in: ") && session.contains("at line " + helperLine), session);
      assertTrue(session.contains("cents = 850") || session.contains("cents = 1200")
          || session.matches("(?s).*cents = \\d+.*"), session);
      assertTrue(session.contains("model.currency = \"EUR\""), session);
      assertTrue(session.contains("watch options.data.root.soldOut = 1"), session);
      assertTrue(session.contains("step out: step in "), session);
      assertTrue(session.contains("OK"), session);

      assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the program did not finish");
      String page = appOut.get(10, TimeUnit.SECONDS);
      assertEquals(0, app.exitValue(), page);
      assertTrue(page.contains("<p>2 products in stock, 1 sold out.</p>"), page);
      assertTrue(page.contains("Sencha: EUR 8.50"), page);
    } finally {
      app.destroyForcibly();
    }
  }

  private static int lineOf(Path file, String text) throws IOException {
    var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " is not in " + file);
  }

  private static String readAll(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

}
