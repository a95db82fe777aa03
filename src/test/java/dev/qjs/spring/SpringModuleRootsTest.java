package dev.qjs.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.io.FileSystemResource;
import org.springframework.scripting.support.ResourceScriptSource;
import org.springframework.scripting.support.StandardScriptEvalException;
import org.springframework.scripting.support.StandardScriptEvaluator;
import org.springframework.web.servlet.view.script.ScriptTemplateConfigurer;

/**
 * Spring code that only ever holds a {@code ScriptEngine} imports modules and loads files with
 * nothing but ENGINE_SCOPE settings: a bean given the engine, a {@code ScriptTemplateView} whose
 * shared engine has the setting, and {@code StandardScriptEvaluator}, whose arguments become the
 * ENGINE_SCOPE.
 */
class SpringModuleRootsTest {

  /** A plain bean: all it has is the engine Spring gives it. */
  public static final class ReportService {
    private final ScriptEngine engine;

    public ReportService(ScriptEngine engine) {
      this.engine = engine;
    }

    Object run(Path file) throws Exception {
      engine.put(ScriptEngine.FILENAME, file.toString());
      try (Reader r = Files.newBufferedReader(file)) {
        return engine.eval(r);
      }
    }
  }

  private static Path files(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("lib"));
    Files.writeString(dir.resolve("report.mjs"),
        "import { total } from './lib/total.mjs';\nexport const line = 'total: ' + total([3, 4, 5]);\n");
    Files.writeString(dir.resolve("lib/total.mjs"), "export const total = xs => xs.reduce((a, b) => a + b, 0);\n");
    Files.writeString(dir.resolve("lib/legacy.js"), "var legacyTotal = 12;\nlegacyTotal * 2\n");
    return dir.toRealPath();
  }

  @Test
  void aBeanHoldingOnlyAScriptEngineImportsASiblingModule(@TempDir Path tmp) throws Exception {
    Path dir = files(tmp);
    try (GenericApplicationContext context = new GenericApplicationContext()) {
      context.registerBean(ScriptEngine.class, () -> {
        ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
        e.put("quickjs.moduleRoots", dir.toString()); // the only setting: an ENGINE_SCOPE entry
        return e;
      });
      context.registerBean(ReportService.class);
      context.refresh();
      ScriptEngine engine = context.getBean(ScriptEngine.class);
      try {
        Object ns = context.getBean(ReportService.class).run(dir.resolve("report.mjs"));
        assertEquals("total: 12", assertInstanceOf(Map.class, ns).get("line"));
        engine.put(ScriptEngine.FILENAME, dir.resolve("main.js").toString()); // a script, not a module
        assertEquals(24, engine.eval("load('lib/legacy.js')"), "load() of a sibling file, Nashorn style");
      } finally {
        ((AutoCloseable) engine).close();
      }
    }
  }

  @Test
  void aScriptTemplateViewsRenderScriptLoadsItsSiblingsThroughTheEngineScopeRoots(@TempDir Path tmp) throws Exception {
    Path dir = tmp.toRealPath();
    Files.writeString(dir.resolve("render.js"), String.join("\n",
        "// Spring evaluates this file itself; it loads its helpers from the folder the engine allows",
        "load('helpers/format.js');",
        "function render(template, model) {",
        "  return template.replace('{{user}}', shout(model.user));",
        "}"));
    Files.createDirectories(dir.resolve("helpers"));
    Files.writeString(dir.resolve("helpers/format.js"), "function shout(s) { return String(s).toUpperCase() + '!' }");
    Files.writeString(dir.resolve("page.html"), "<p>Hello, {{user}}</p>");
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    engine.put("quickjs.moduleRoots", dir.toString());
    try {
      ScriptTemplateConfigurer configurer = new ScriptTemplateConfigurer();
      configurer.setEngine(engine); // Spring's shared engine, configured with ENGINE_SCOPE only
      configurer.setScripts("render.js");
      configurer.setRenderFunction("render");
      configurer.setResourceLoaderPath(dir.toUri().toString());
      String html = ScriptTemplateViewTest.render(ScriptTemplateViewTest.mvc(configurer), "ada");
      assertEquals("<p>Hello, ADA!</p>", html);
    } finally {
      ((AutoCloseable) engine).close();
    }
  }

  @Test
  void theStandardScriptEvaluatorsArgumentsCarryTheSettings(@TempDir Path tmp) throws Exception {
    Path dir = files(tmp);
    StandardScriptEvaluator evaluator = new StandardScriptEvaluator();
    evaluator.setLanguage("quickjs");
    ResourceScriptSource report = new ResourceScriptSource(new FileSystemResource(dir.resolve("report.mjs")));
    Object ns = evaluator.evaluate(report, Map.of("quickjs.moduleRoots", dir.toString(), "quickjs.module", true));
    assertEquals("total: 12", assertInstanceOf(Map.class, ns).get("line"));
    // without the folder setting the import is refused, and the message says what to set
    Exception x = assertThrows(Exception.class, () -> evaluator.evaluate(report, Map.of("quickjs.module", true)));
    Throwable t = x;
    while (t.getCause() != null && !(t instanceof StandardScriptEvalException)) {
      t = t.getCause();
    }
    assertInstanceOf(StandardScriptEvalException.class, t, x::toString);
    assertTrue(t.getMessage().contains("quickjs.moduleRoots"), t.getMessage());
  }
}
