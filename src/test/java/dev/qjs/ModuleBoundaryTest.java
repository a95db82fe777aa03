package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import javax.script.ScriptEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module boundary, as a consumer module sees it: {@code requires dev.qjs} gives the public
 * API of package {@code dev.qjs} and nothing else, and the engine is found through its service.
 * The module under test is the compiled one (target/classes, module-info included), on a real
 * module path with JNA.
 */
class ModuleBoundaryTest {
  private static final String MODULE = "dev.qjs";
  /** javac's locale-free form (-XDrawDiagnostics) of "package p is not visible". */
  private static final Pattern NOT_VISIBLE =
      Pattern.compile("compiler\\.err\\.package\\.not\\.visible: ([\\w.]+),");

  @TempDir Path dir;

  @Test
  void onlyThePublicPackageIsExportedOrOpened() throws Exception {
    ModuleDescriptor module = compiledModule();
    Set<String> others = new TreeSet<>(module.packages());
    others.remove(MODULE);
    assertFalse(others.isEmpty(), "the module has internal packages: " + module.packages());
    for (ModuleDescriptor.Exports e : module.exports()) {
      assertEquals(MODULE, e.source(), "exports " + e);
      assertFalse(e.isQualified(), "a qualified export lets other modules in: " + e);
    }
    assertEquals(Set.of(MODULE), exported(module));
    assertTrue(module.opens().isEmpty(), "opens " + module.opens());
    assertFalse(module.isOpen(), "an open module");
  }

  @Test
  void aConsumerModuleCompilesAgainstThePublicApi() throws Exception {
    List<String> errors = compileConsumer(consumerSources(List.of()));
    assertTrue(errors.isEmpty(), () -> "errors: " + errors);
  }

  @Test
  void aConsumerModuleCannotImportAnyOtherPackageOfTheModule() throws Exception {
    Set<String> internal = new TreeSet<>(compiledModule().packages());
    internal.remove(MODULE);
    assertTrue(internal.contains("dev.qjs.internal.modules"), internal::toString);
    List<String> errors = compileConsumer(consumerSources(internal));
    Set<String> refused = new TreeSet<>();
    for (String error : errors) {
      Matcher m = NOT_VISIBLE.matcher(error);
      assertTrue(m.find(), error);
      assertTrue(error.contains("not.exported"), error); // "which does not export it"
      refused.add(m.group(1));
    }
    assertEquals(internal, refused, () -> "errors: " + errors);
  }

  @Test
  void aConsumerModuleOnTheModulePathFindsTheEngineThroughItsServiceAndRunsAScript()
      throws Exception {
    Path out = dir.resolve("out");
    List<String> errors = compileConsumer(consumerSources(List.of()));
    assertTrue(errors.isEmpty(), () -> "errors: " + errors);
    ModuleFinder finder =
        ModuleFinder.of(out, locationOf(QuickJsScriptEngine.class), locationOf(com.sun.jna.Native.class));
    ModuleLayer boot = ModuleLayer.boot();
    Configuration cf =
        boot.configuration().resolveAndBind(finder, ModuleFinder.of(), Set.of("consumer"));
    ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());

    Module qjs = layer.findModule(MODULE).orElseThrow();
    assertEquals(
        Set.of(MODULE), qjs.getPackages().stream().filter(qjs::isExported).collect(Collectors.toSet()));
    List<String> factories =
        ServiceLoader.load(layer, ScriptEngineFactory.class).stream()
            .map(p -> p.type().getModule().getName() + "/" + p.type().getName())
            .collect(Collectors.toList());
    assertTrue(factories.contains("dev.qjs/dev.qjs.QuickJsScriptEngineFactory"), factories::toString);

    Class<?> main = layer.findLoader("consumer").loadClass("consumer.Main");
    assertEquals("2 from dev.qjs", main.getMethod("onePlusOne").invoke(null));
  }

  private static Set<String> exported(ModuleDescriptor module) {
    return module.exports().stream()
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
  }

  /** dev.qjs as compiled: an exploded module, its packages read from the directories. */
  private static ModuleDescriptor compiledModule() throws URISyntaxException {
    return ModuleFinder.of(locationOf(QuickJsScriptEngine.class))
        .find(MODULE)
        .orElseThrow(() -> new AssertionError("no module " + MODULE + " in target/classes"))
        .descriptor();
  }

  /**
   * A module {@code consumer} that requires dev.qjs: a Main that finds the engine by name and
   * builds options, and for each package given a class that imports it.
   */
  private List<Path> consumerSources(Iterable<String> importedPackages) throws IOException {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("consumer"));
    List<Path> files = new ArrayList<>();
    files.add(write(src.resolve("module-info.java"), "module consumer { requires dev.qjs; exports consumer; }\n"));
    files.add(
        write(
            src.resolve("consumer/Main.java"),
            "package consumer;\n"
                + "import dev.qjs.QuickJsOptions;\n"
                + "import java.time.Duration;\n"
                + "import javax.script.ScriptEngine;\n"
                + "import javax.script.ScriptEngineManager;\n"
                + "public final class Main {\n"
                + "  public static String onePlusOne() throws Exception {\n"
                + "    QuickJsOptions options = QuickJsOptions.builder().timeLimit(Duration.ofSeconds(5)).build();\n"
                + "    ScriptEngine engine = new ScriptEngineManager(Main.class.getClassLoader())"
                + ".getEngineByName(\"quickjs\");\n"
                + "    try (AutoCloseable closing = (AutoCloseable) engine) {\n"
                + "      return engine.eval(\"1 + 1\") + \" from \" + engine.getClass().getModule().getName();\n"
                + "    }\n"
                + "  }\n"
                + "}\n"));
    int n = 0;
    for (String p : importedPackages) {
      String name = "Peek" + n++;
      files.add(
          write(
              src.resolve("consumer/" + name + ".java"),
              "package consumer;\nimport " + p + ".*;\nfinal class " + name + " {}\n"));
    }
    return files;
  }

  private static Path write(Path file, String text) throws IOException {
    return Files.writeString(file, text);
  }

  /**
   * The error lines of compiling the consumer into dir/out, dev.qjs and JNA on the module path,
   * with javac's tool interface (java.base's, so that this test needs no java.compiler).
   */
  private List<String> compileConsumer(List<Path> sources) throws Exception {
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac"));
    Path out = Files.createDirectories(dir.resolve("out"));
    String modulePath =
        String.join(
            java.io.File.pathSeparator,
            locationOf(QuickJsScriptEngine.class).toString(),
            locationOf(com.sun.jna.Native.class).toString(),
            locationOf(org.jspecify.annotations.NullMarked.class).toString());
    // an empty class path: javac in this JVM would otherwise default to the tests' class path,
    // where dev.qjs's packages are in the unnamed module as well
    Path noClasses = Files.createDirectories(dir.resolve("no-classes"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--release", "17", "-XDrawDiagnostics", "-proc:none",
                "--module-path", modulePath, "--class-path", noClasses.toString(), "-d", out.toString()));
    sources.forEach(p -> args.add(p.toString()));
    StringWriter text = new StringWriter();
    try (PrintWriter w = new PrintWriter(text)) {
      javac.run(w, w, args.toArray(String[]::new));
    }
    return text.toString().lines().filter(l -> l.contains("compiler.err.")).collect(Collectors.toList());
  }

  /** The class path entry (jar or directory) a class was loaded from. */
  private static Path locationOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
