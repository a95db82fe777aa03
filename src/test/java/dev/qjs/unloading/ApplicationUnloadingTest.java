package dev.qjs.unloading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An application that made the process's first engines can still be unloaded: nothing of ours
 * (the cleaner's thread, which lives as long as the process) keeps its class loader, as an
 * application server needs to redeploy it. Runs in a new JVM, where the engines are made for
 * the first time from the application's code.
 */
@Tag("slow-under-emulation")
class ApplicationUnloadingTest {
  @Test
  void theClassLoaderOfTheCodeThatMadeTheFirstEnginesIsCollectedOnceItIsForgotten() throws Exception {
    String java = System.getProperty(
        "quickjs.tests.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        UnloadingChildJvm.class.getName())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("ran: 2,4,6"), out);
    assertTrue(out.contains("COLLECTED"), out);
  }
}
