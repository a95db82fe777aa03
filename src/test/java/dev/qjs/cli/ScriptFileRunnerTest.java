package dev.qjs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner behind {@code mvn exec:java -Dscript=…}: what scripts may reach, and its exit status. */
class ScriptFileRunnerTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private int run(String... names) throws Exception {
    List<Path> files = new ArrayList<>();
    for (String n : names) {
      files.add(dir.resolve(n));
    }
    return ScriptFileRunner.run(files, null, out, err);
  }

  @Test
  void filesShareOneEngineAndRunInOrder() throws Exception {
    write("a.js", "var greeting = 'hi';");
    write("b.js", "print(greeting + ' from b')");
    assertEquals(0, run("a.js", "b.js"));
    assertEquals("hi from b\n", out.toString());
  }

  @Test
  void aModuleImportsModulesAndJsonBesideItAndWebJars() throws Exception {
    write("lib/shout.js", "export const shout = (s) => s.toUpperCase() + '!';");
    write("data/config.json", "{\"who\": \"world\"}");
    write(
        "main.mjs",
        "import { shout } from './lib/shout.js';\n"
            + "import config from './data/config.json';\n"
            + "import dayjs from 'dayjs';\n"
            + "print(shout(config.who), dayjs('2024-01-01T00:00:00Z').isValid());");
    assertEquals(0, run("main.mjs"));
    assertEquals("WORLD! true\n", out.toString());
  }

  @Test
  void theRunnerWaitsForTopLevelAwaitAndItsTimers() throws Exception {
    write("wait.mjs", "await new Promise(r => setTimeout(r, 50));\nprint('after the timer');");
    assertEquals(0, run("wait.mjs"));
    assertEquals("after the timer\n", out.toString());
  }

  @Test
  void aThrowingScriptExitsWithOneAndPrintsItsMessageAndStack() throws Exception {
    write("bad.js", "print('before');\nfunction f() { throw new TypeError('boom') }\nf();");
    assertEquals(1, run("bad.js"));
    assertEquals("before\n", out.toString());
    assertTrue(err.toString().startsWith("TypeError: boom"), err.toString());
    assertTrue(err.toString().contains("at f (" + dir.toRealPath().resolve("bad.js") + ":2"), err.toString());
  }

  @Test
  void aRejectedTopLevelAwaitExitsWithOne() throws Exception {
    write("rejects.mjs", "await new Promise((_, reject) => setTimeout(() => reject(new RangeError('later')), 10));");
    assertEquals(1, run("rejects.mjs"));
    assertTrue(err.toString().startsWith("Uncaught (in promise) RangeError: later"), err.toString());
  }

  @Test
  void aTopLevelAwaitRejectedAtOnceFailsTheEvalItself() throws Exception {
    write("rejects.mjs", "await Promise.reject(new RangeError('at once'));");
    assertEquals(1, run("rejects.mjs"));
    assertTrue(err.toString().startsWith("RangeError: at once"), err.toString());
  }

  @Test
  void aRejectionNobodyHandlesIsReportedAndExitsWithOne() throws Exception {
    write("floating.js", "Promise.reject(new Error('forgotten')); print('still ran');");
    assertEquals(1, run("floating.js"));
    assertEquals("still ran\n", out.toString());
    assertTrue(err.toString().startsWith("Uncaught Error: forgotten"), err.toString());
  }

  @Test
  void aMissingScriptFileIsAUsageError() throws Exception {
    assertEquals(2, run("nothing.js"));
    assertTrue(err.toString().startsWith("no such script file: "), err.toString());
  }

  @Test
  void hostFilesReadsOnlyBelowTheFirstScriptsFolder() throws Exception {
    Path secret = write("secret.txt", "outside");
    write("app/data/note.txt", "inside");
    List<String> refused = new ArrayList<>(
        List.of("../secret.txt", secret.toString().replace('\\', '/'), "data", "data/none.txt", "data/../../secret.txt"));
    try {
      Files.createSymbolicLink(dir.resolve("app/data/link.txt"), secret);
      refused.add("data/link.txt");
    } catch (IOException | UnsupportedOperationException e) {
      // no symbolic links on this file system: nothing to escape through
    }
    StringBuilder names = new StringBuilder();
    for (String name : refused) {
      names.append(names.length() == 0 ? "" : ", ").append('\'').append(name).append('\'');
    }
    write(
        "app/read.mjs",
        "import { read } from 'host:files';\n"
            + "print(await read('data/note.txt'));\n"
            + "for (const name of [" + names + "]) {\n"
            + "  try { print('read', await read(name)); }\n"
            + "  catch (e) { print(e.message === `no file ${name} in the script's folder`); }\n"
            + "}");
    assertEquals(0, run("app/read.mjs"), err.toString());
    assertEquals("inside\n" + "true\n".repeat(refused.size()), out.toString());
  }
}
