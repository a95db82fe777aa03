package dev.qjs.internal.debug.dap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.EngineDebuggers;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.packages.NpmProject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionException;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol server as VS Code speaks it: node runs {@code src/test/dap/vscode-client.js} with
 * VS Code's own test client (the npm package {@code @vscode/debugadapter-testsupport}), which
 * attaches, sets a breakpoint in a script, asserts the stop location, a frame, a local and an
 * evaluation, continues and disconnects. Skipped only when node is not installed.
 */
@Tag("slow-under-emulation")
class VsCodeTestClientTest {

  @Test
  void vsCodesTestClientStopsAtABreakpointInspectsAndContinues(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(NpmProject.nodeInstalled(), "node is not installed");
    Path project = NpmProject.with("@vscode/debugadapter-testsupport");
    Path script = dir.resolve("compute.js");
    String code = "function compute(n) {\n  const twice = n * 2;\n  return twice;\n}\ncompute(42);\n";
    Files.writeString(script, code, StandardCharsets.UTF_8);
    String source = script.toAbsolutePath().toString();
    try (DapServer server = DapServer.listen(0);
        QuickJsScriptEngine engine = new QuickJsScriptEngineFactory()
            .getScriptEngine(QuickJsOptions.builder().build())) {
      server.register(EngineDebuggers.of(engine));
      Path client = Path.of("src/test/dap/vscode-client.js").toAbsolutePath();
      ProcessBuilder pb = new ProcessBuilder("node", client.toString(),
          Integer.toString(server.port()), source, "3", EngineDebuggers.of(engine).name())
          .directory(project.toFile())
          .redirectErrorStream(true);
      // node resolves require() from the script's folder up: point it at the fetched packages
      pb.environment().put("NODE_PATH", project.resolve("node_modules").toString());
      Process node = pb.start();
      StringBuilder out = new StringBuilder();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        CompletableFuture<Object> run = null;
        for (String line; (line = lines.readLine()) != null; ) {
          out.append(line).append('\n');
          if (line.equals("READY")) {
            // the script runs with its file's path as FILENAME and stops at the client's breakpoint
            run = CompletableFuture.supplyAsync(() -> {
              engine.put(ScriptEngine.FILENAME, source);
              try {
                return engine.eval(code);
              } catch (ScriptException e) {
                throw new CompletionException(e);
              }
            });
          }
        }
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node did not finish: " + out);
        assertEquals(0, node.exitValue(), out::toString);
        assertTrue(out.toString().contains("OK"), out::toString);
        assertTrue(run != null, out::toString);
        assertEquals(84, run.get(10, TimeUnit.SECONDS));
      } finally {
        node.destroyForcibly();
      }
      assertTrue(!EngineDebuggers.of(engine).isAttached(), "the disconnect detached the engine");
    }
  }
}
