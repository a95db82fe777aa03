package dev.qjs.internal;

import dev.qjs.JsException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;

/**
 * Runs JavaScript files through {@code ScriptEngineManager}, as a user's program would:
 * {@code java -cp … dev.qjs.internal.ScriptFileRunner file.js [more.js …]}. The files share one
 * engine; a script error prints its message and JavaScript stack and exits with status 1.
 */
public final class ScriptFileRunner {
  private ScriptFileRunner() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: ScriptFileRunner file.js [more.js ...]");
      System.exit(2);
    }
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    if (engine == null) {
      System.err.println("no script engine named quickjs on the class path");
      System.exit(2);
    }
    engine.getContext().setWriter(new PrintWriter(System.out, true));
    engine.getContext().setErrorWriter(new PrintWriter(System.err, true));
    for (String file : args) {
      Path path = Path.of(file);
      engine.put(ScriptEngine.FILENAME, path.toString());
      try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        engine.eval(r);
      } catch (ScriptException e) {
        System.err.println(e.getMessage());
        if (e instanceof JsException js && js.getJsStack() != null) {
          System.err.print(js.getJsStack());
        }
        System.exit(1);
      }
    }
  }
}
