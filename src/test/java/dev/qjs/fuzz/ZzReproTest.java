package dev.qjs.fuzz;

import dev.qjs.JsException;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ZzReproTest {
  @Test
  void repro() throws Exception {
    String src = Files.readString(Path.of(System.getProperty("repro.file", "/tmp/fz/crash.js")));
    int n = Integer.getInteger("repro.n", 100);
    for (int i = 0; i < n; i++) {
      long ms = Long.getLong("repro.ms", 20 + (i * 7) % 200); long mem = Long.getLong("repro.mem0", 32L << 20) + i * Long.getLong("repro.memstep", 0L);
      try (QuickJsScriptEngine e = new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder()
          .timeLimit(Duration.ofMillis(ms)).memoryLimit(mem).maxStackSize(256L << 10)
          .uncaughtErrorHandler(x -> {}).build())) {
        try { e.eval(src); } catch (JsException expected) { }
        try { e.eval("1+1"); } catch (JsException expected) { }
      }
      if (i % Integer.getInteger("repro.every", 20) == 0) System.err.println("iteration " + i + " limit " + ms + " mem " + mem);
    }
  }
}
