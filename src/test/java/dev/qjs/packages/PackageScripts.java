package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;

/** What the real-package tests share: the standard engine, waiting, the npm packages' folder. */
final class PackageScripts {
  private PackageScripts() {}

  /** An engine as any JSR-223 user gets one: its default module loader reads WebJars. */
  static ScriptEngine standardEngine() {
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    assertNotNull(engine, "no engine named quickjs");
    return engine;
  }

  /** The value of a future (a promise or a module with top-level await), else the value. */
  static Object settled(Object value) throws Exception {
    return value instanceof Future<?> f ? f.get(20, TimeUnit.SECONDS) : value;
  }

  /** The folder whose node_modules holds the npm packages the build fetched: see {@link NpmProject}. */
  static Path npmProject(String packageName) {
    return NpmProject.with(packageName);
  }
}
