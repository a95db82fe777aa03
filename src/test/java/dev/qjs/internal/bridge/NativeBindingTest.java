package dev.qjs.internal.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which binding calls go through (JNI, or the JNA fallback), and that each one runs scripts. */
class NativeBindingTest {

  private static String expectedBinding() {
    return System.getProperty(JniBinding.PROPERTY, "auto").equals("jna") ? "jna" : "jni";
  }

  /**
   * JNI unless JNA is asked for, or another class loader of this JVM bound the library's JNI
   * methods first (ModuleBoundaryTest loads the library in a module layer; the test run's order
   * decides): a new JVM shows the default without that.
   */
  @Test
  void callsGoThroughJniUnlessJnaIsAskedFor(@TempDir Path dir) throws Exception {
    assertEquals("0:" + expectedBinding() + " 6",
        runProbe(dir, System.getProperty(JniBinding.PROPERTY, "auto")));
  }

  @Test
  void aSecondClassLoaderFallsBackToJnaAndStillRunsScripts() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    String here = QuickJsNative.binding(); // this class loader loads the library first
    try (URLClassLoader other =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      Class<?> nativeClass = Class.forName(QuickJsNative.class.getName(), true, other);
      assertEquals("jna", nativeClass.getMethod("binding").invoke(null),
          "only one class loader may bind a library's JNI methods (here: " + here + ")");
      ScriptEngine engine = new ScriptEngineManager(other).getEngineByName("quickjs");
      engine.eval("function size(list) { return list.size() + list.get(0) }");
      assertEquals(4, ((Number) ((Invocable) engine).invokeFunction("size", List.of(3))).intValue());
      ((AutoCloseable) engine).close();
    }
  }

  /** Runs {@link Probe} in a new JVM with -Dquickjs.binding=value; its output and exit code. */
  private static String runProbe(Path dir, String value) throws Exception {
    Path out = dir.resolve("out.txt");
    // quickjs.tests.java: the launcher of an emulated JVM (native-libs/test-emulated.sh)
    String java = System.getProperty(
        "quickjs.tests.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = new ProcessBuilder(
            java,
            "-Dquickjs.binding=" + value,
            "-cp", System.getProperty("java.class.path"),
            Probe.class.getName())
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
    return p.exitValue() + ":" + Files.readString(out, StandardCharsets.UTF_8).trim();
  }

  @Test
  void jnaAskedForRunsScriptsAndHostCallsThroughJna(@TempDir Path dir) throws Exception {
    assertEquals("0:jna 6", runProbe(dir, "jna"));
  }

  @Test
  void jniAskedForRunsScriptsAndHostCallsThroughJni(@TempDir Path dir) throws Exception {
    assertEquals("0:jni 6", runProbe(dir, "jni"));
  }

  @Test
  void anUnknownBindingNameFailsWithAMessageNamingTheChoices(@TempDir Path dir) throws Exception {
    String result = runProbe(dir, "fast");
    assertTrue(result.startsWith("1:") && result.contains("-Dquickjs.binding=fast names no binding: use jni, jna or auto"),
        result);
  }

  /** A new JVM's view: the binding, and a script that calls Java methods. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      try {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
        engine.eval("function f(m) { return m.get('a') + m.size() * 2 + m.a }");
        Object r = ((Invocable) engine).invokeFunction("f", java.util.Map.of("a", 2));
        System.out.println(QuickJsNative.binding() + " " + ((Number) r).intValue());
      } catch (Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        System.out.println(t + " / " + root.getMessage());
        System.exit(1);
      }
    }
  }
}
