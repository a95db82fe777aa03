package dev.qjs.cli;

import dev.qjs.JsException;
import dev.qjs.ModuleLoader;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * Runs JavaScript files through {@code javax.script}, as a user's program would:
 * {@code java -cp … dev.qjs.cli.ScriptFileRunner file.js [more.mjs …]}. The files share one
 * engine and run in order; a {@code .mjs} file is an ES module. When a file's result is a
 * promise (or a module's top-level await), the runner waits for it before the next file.
 *
 * <p>What scripts can import: files in the folders of the given files ({@code ./lib/x.js},
 * {@code ./data.json}), npm packages in {@code <dir>/node_modules} when the system property
 * {@code quickjs.runner.nodeModules} names a folder {@code <dir>}, npm WebJars on the class
 * path, and {@code host:files}, whose {@code read(name)} reads a file below the first file's
 * folder on another thread and returns a {@code CompletableFuture} of its text (see {@link
 * ScriptFolder}).
 *
 * <p>Exit status: 0; 1 when a script throws, a promise it returns rejects, or an error nothing
 * caught is reported (a rejection no handler took, a throwing timer callback): its message and
 * JavaScript stack go to standard error; 2 for bad usage.
 */
public final class ScriptFileRunner {
  /** The system property naming a folder whose node_modules scripts may import from. */
  public static final String NODE_MODULES_PROPERTY = "quickjs.runner.nodeModules";

  private ScriptFileRunner() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: ScriptFileRunner file.js [more.mjs ...]");
      System.exit(2);
    }
    List<Path> files = new ArrayList<>();
    for (String a : args) {
      files.add(Path.of(a));
    }
    String nodeModules = System.getProperty(NODE_MODULES_PROPERTY);
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int status = run(files, nodeModules == null ? null : Path.of(nodeModules), out, err);
    out.flush();
    err.flush();
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the files on one new engine, writing to {@code out} and {@code err}; the exit status.
   *
   * @param nodeModulesProject a folder whose {@code node_modules} scripts may import from, or null
   */
  public static int run(List<Path> files, @Nullable Path nodeModulesProject, Writer out, Writer err)
      throws IOException, InterruptedException {
    List<Path> paths = new ArrayList<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        err.write("no such script file: " + f + System.lineSeparator());
        err.flush();
        return 2;
      }
      paths.add(f.toRealPath());
    }
    AtomicBoolean uncaught = new AtomicBoolean();
    PrintWriter errors = new PrintWriter(err, true);
    QuickJsOptions options =
        QuickJsOptions.builder()
            .moduleLoader(loader(paths, nodeModulesProject))
            .hostModule(new ScriptFolder(Objects.requireNonNull(paths.get(0).getParent())))
            .uncaughtErrorHandler(
                e -> {
                  uncaught.set(true);
                  report(errors, "Uncaught " + e.getMessage(), e);
                })
            .build();
    QuickJsScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(options);
    try {
      engine.getContext().setWriter(out);
      engine.getContext().setErrorWriter(err);
      for (Path path : paths) {
        // the real path is the module id the directory loader gives the file: `./x` resolves from it
        engine.put(ScriptEngine.FILENAME, path.toString());
        try {
          Object result = engine.eval(Files.readString(path, StandardCharsets.UTF_8));
          if (result instanceof Future<?> pending) {
            pending.get();
          }
        } catch (ScriptException e) {
          report(errors, e.getMessage(), e);
          return 1;
        } catch (ExecutionException e) {
          Throwable cause = Objects.requireNonNull(e.getCause()); // what the promise was rejected with
          report(errors, "Uncaught (in promise) " + cause.getMessage(), cause);
          return 1;
        }
      }
      return uncaught.get() ? 1 : 0;
    } finally {
      out.flush();
      engine.close();
    }
  }

  private static void report(PrintWriter err, @Nullable String message, Throwable e) {
    err.println(message);
    if (e instanceof JsException js && js.getJsStack() != null && !js.getJsStack().isEmpty()) {
      err.print(js.getJsStack());
    }
    err.flush();
  }

  /** The scripts' folders, then node_modules when given, then WebJars. */
  private static ModuleLoader loader(List<Path> scripts, @Nullable Path nodeModulesProject) {
    Set<Path> folders = new LinkedHashSet<>();
    for (Path p : scripts) {
      folders.add(p.getParent());
    }
    ModuleLoader loader = null;
    for (Path folder : folders) {
      ModuleLoader dir = ModuleLoader.directory(folder);
      loader = loader == null ? dir : loader.orElse(dir);
    }
    Objects.requireNonNull(loader, "loader"); // at least one script, so one folder
    if (nodeModulesProject != null && Files.isDirectory(nodeModulesProject.resolve("node_modules"))) {
      loader = loader.orElse(ModuleLoader.nodeModules(nodeModulesProject));
    }
    ClassLoader classes = Thread.currentThread().getContextClassLoader();
    return loader.orElse(
        ModuleLoader.webJars(classes != null ? classes : ScriptFileRunner.class.getClassLoader()));
  }
}
