import dev.qjs.CpuProfile;
import dev.qjs.QuickJsScriptEngine;
import java.nio.file.Path;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;

/**
 * Records the profile shown in docs/debugging-and-profiling.md: the test build's TypeScript
 * application (src/test/sourcemaps/app, compiled by tsc and bundled by esbuild) run through
 * javax.script. Run by profile-picture.sh.
 *
 * <p>Usage: java -cp target/classes:... ProfilePicture.java FIXTURES_DIR OUT.cpuprofile
 */
public final class ProfilePicture {
  public static void main(String[] args) throws Exception {
    QuickJsScriptEngine engine = (QuickJsScriptEngine) new ScriptEngineManager().getEngineByName("quickjs");
    engine.put("quickjs.moduleRoots", args[0]);
    engine.put(ScriptEngine.FILENAME, "main.mjs");
    engine.eval("import { run, leak } from './pipeline/app.mjs'; globalThis.app = { run, leak };");
    engine.put("prices", new java.util.TreeMap<Integer, Integer>());
    engine.startCpuProfiling();
    for (int i = 0; i < 20; i++) {
      engine.eval("app.run(60); app.leak(2000);"
          + " for (let k = 0; k < 20000; k++) prices.put(k % 5000, k);"
          + " JSON.parse(JSON.stringify({rows: Array.from({length: 2000}, (_, k) => ({k, v: 'x' + k}))}));");
    }
    CpuProfile profile = engine.stopCpuProfiling();
    profile.writeCpuProfile(Path.of(args[1]));
    System.out.println(profile.topFunctions(3));
  }
}
