package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  /**
   * The folder whose node_modules holds the npm packages the build fetched with npm
   * (src/test/npm/fetch.sh); fails, saying why, when they are not there.
   */
  static Path npmProject(String packageName) {
    String dir = System.getProperty("quickjs.npm.dir", "target/npm");
    Path project = Path.of(dir).toAbsolutePath();
    if (Files.isRegularFile(project.resolve("node_modules").resolve(packageName).resolve("package.json"))) {
      return project;
    }
    String reason;
    try {
      Path why = project.resolve("UNAVAILABLE");
      reason = Files.isRegularFile(why)
          ? Files.readString(why, StandardCharsets.UTF_8).strip()
          : "the build did not run src/test/npm/fetch.sh (run `mvn generate-resources`)";
    } catch (IOException e) {
      reason = e.toString();
    }
    return fail("the npm package " + packageName + " is missing from " + project
        + "/node_modules; it has no WebJar and is fetched with npm at build time: " + reason);
  }
}
