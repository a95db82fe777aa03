package dev.qjs.unloading;

import dev.qjs.QuickJsScriptEngine;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;

/**
 * Stands for a web application's code: {@link UnloadingChildJvm} loads this class with a class
 * loader of its own (as an application server loads a deployment) and lets the first engines of
 * the process be made from here, with that loader as the thread's context class loader.
 */
public final class ApplicationCode {
  private ApplicationCode() {}

  /** Makes and uses engines as an application would, through javax.script. */
  public static String run() throws Exception {
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    String answer = String.valueOf(engine.eval("[1, 2, 3].map(x => x * 2).join()"));
    ((QuickJsScriptEngine) engine).close();
    ScriptEngine forgotten = new ScriptEngineManager().getEngineByName("quickjs");
    forgotten.eval("var kept = {a: 1}"); // never closed: the cleaner frees it
    return answer;
  }
}
