package dev.qjs.internal.debug.dap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.EngineDebuggers;
import dev.qjs.ModuleLoader;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.internal.sourcemap.CompilerFixtures;
import dev.qjs.packages.NpmProject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionException;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol server as VS Code speaks it: node runs {@code src/test/dap/vscode-client.js} with
 * VS Code's own test client (the npm package {@code @vscode/debugadapter-testsupport}), which
 * attaches, sets a breakpoint in a script, asserts the stop location, a frame, a local and an
 * evaluation, continues and disconnects; and {@code typescript-session.js}, the same in the
 * TypeScript a compiled script came from. Skipped only when node is not installed.
 */
@Tag("slow-under-emulation")
class VsCodeTestClientTest {

  /** What the Java side does once the client is ready: runs scripts that stop in the debugger. */
  private interface OnReady {
    Object run() throws Exception;
  }

  /**
   * Runs one of src/test/dap's client scripts with node against a server the engine is
   * registered with; when the script prints READY, {@code onReady} runs on another thread.
   *
   * @return what {@code onReady} returned
   */
  private static Object session(QuickJsScriptEngine engine, String clientScript, OnReady onReady,
      String... args) throws Exception {
    Path project = NpmProject.with("@vscode/debugadapter-testsupport");
    try (DapServer server = DapServer.listen(0)) {
      server.register(EngineDebuggers.of(engine));
      List<String> command = new ArrayList<>(List.of("node",
          Path.of("src/test/dap", clientScript).toAbsolutePath().toString(),
          Integer.toString(server.port())));
      command.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
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
            run = CompletableFuture.supplyAsync(() -> {
              try {
                return onReady.run();
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
          }
        }
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node did not finish: " + out);
        assertEquals(0, node.exitValue(), out::toString);
        assertTrue(out.toString().contains("OK"), out::toString);
        assertTrue(run != null, out::toString);
        Object result = run.get(10, TimeUnit.SECONDS);
        assertTrue(!EngineDebuggers.of(engine).isAttached(), "the disconnect detached the engine");
        return result;
      } finally {
        node.destroyForcibly();
      }
    }
  }

  @Test
  void vsCodesTestClientStopsAtABreakpointInspectsAndContinues(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(NpmProject.nodeInstalled(), "node is not installed");
    Path script = dir.resolve("compute.js");
    String code = "function compute(n) {\n  const twice = n * 2;\n  return twice;\n}\ncompute(42);\n";
    Files.writeString(script, code, StandardCharsets.UTF_8);
    String source = script.toAbsolutePath().toString();
    try (QuickJsScriptEngine engine = new QuickJsScriptEngineFactory()
        .getScriptEngine(QuickJsOptions.builder().build())) {
      // the script runs with its file's path as FILENAME and stops at the client's breakpoint
      Object result = session(engine, "vscode-client.js", () -> {
        engine.put(ScriptEngine.FILENAME, source);
        return engine.eval(code);
      }, source, "3", EngineDebuggers.of(engine).name());
      assertEquals(84, result);
    }
  }

  @Test
  void vsCodesTestClientStopsAtABreakpointInTheTypeScriptOfACompiledScript() throws Exception {
    Assumptions.assumeTrue(NpmProject.nodeInstalled(), "node is not installed");
    Path script = CompilerFixtures.dir().resolve("tsc-external/thrower.js");
    String original = CompilerFixtures.sources().resolve("single/thrower.ts").toString();
    try (QuickJsScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(
        QuickJsOptions.builder().moduleLoader(ModuleLoader.directory(script.getParent())).build())) {
      engine.put("quickjs.moduleRoots", script.getParent().toString());
      // tsc's output runs under its path (its map lies beside it); the client's breakpoint is
      // on thrower.ts line 13, `return order.total;`
      Object result = session(engine, "typescript-session.js", () -> {
        engine.put(ScriptEngine.FILENAME, script.toString());
        engine.eval(CompilerFixtures.read(script));
        engine.put(ScriptEngine.FILENAME, "caller.js");
        return engine.eval("checkOrder({ id: 1, total: 7 })");
      }, original, "13");
      assertEquals(7, result);
    }
  }
}
