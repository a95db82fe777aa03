package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The npm packages the build fetched for the tests (src/test/npm/fetch.sh) and the node that runs
 * them: what every test that runs a real npm client or reads an npm package shares.
 */
public final class NpmProject {
  private NpmProject() {}

  /**
   * The folder whose node_modules holds the fetched packages; fails, saying why, when {@code
   * packageName} is not there.
   *
   * @param packageName an npm package name such as {@code @vscode/debugadapter-testsupport}
   * @return the folder (absolute)
   */
  public static Path with(String packageName) {
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

  /**
   * Whether {@code node} runs on this machine.
   *
   * @return true when {@code node --version} succeeds within 30 s
   */
  public static boolean nodeInstalled() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
