package dev.qjs;

import java.nio.file.Path;
import java.util.Map;

/**
 * The other JVM of {@link BytecodeSavedFormTest#aSavedFileRunsInAnotherJvmThatNeverSawTheSource}:
 * loads the saved files with the key file and prints what they give.
 */
final class BytecodeChildJvm {
  private BytecodeChildJvm() {}

  public static void main(String[] args) throws Exception {
    BytecodeKey key = BytecodeKey.fromFile(Path.of(args[0]));
    Bytecode script = Bytecode.load(Path.of(args[1]), key);
    Bytecode module = Bytecode.load(Path.of(args[2]), key);
    try (QuickJsScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder()
        .moduleLoader(ModuleLoader.ofMap(Map.of("lib/tax.js", "export const rate = 0.25;")))
        .build())) {
      System.out.println("script: " + engine.eval(script));
      System.out.println("module: " + ((JsObject) engine.eval(module)).get("default"));
    }
  }
}
