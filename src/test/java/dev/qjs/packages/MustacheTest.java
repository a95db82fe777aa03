package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qjs.JsObject;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * mustache 4.2.0 from its WebJar: the ES module ({@code mustache.mjs}) for {@code import}, the
 * UMD file ({@code mustache.js}) for {@code require}, as its package.json exports say.
 */
class MustacheTest {
  private static final String PAGE =
      "<h1>{{title}}</h1>\n"
          + "{{#people}}\n"
          + "<p>{{name}}{{#admin}} (admin){{/admin}}</p>\n"
          + "{{/people}}\n"
          + "{{^people}}<p>nobody</p>{{/people}}\n"
          + "{{> footer}}";

  private final ScriptEngine engine = PackageScripts.standardEngine();

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  @Test
  void requireRendersSectionsPartialsAndEscapesAJavaModel() throws Exception {
    engine.put("page", PAGE);
    engine.put(
        "model",
        Map.of(
            "title", "Team <A>",
            "people", List.of(Map.of("name", "Ann", "admin", true), Map.of("name", "Bob & co", "admin", false)),
            "generated", (Supplier<String>) () -> "by Java"));
    Object html =
        engine.eval(
            "const Mustache = require('mustache');\n"
                + "Mustache.render(page, model, { footer: '<footer>{{generated}}</footer>' })");
    assertEquals(
        "<h1>Team &lt;A&gt;</h1>\n"
            + "<p>Ann (admin)</p>\n"
            + "<p>Bob &amp; co</p>\n"
            + "\n" // the inverted section's line, as Node's mustache renders it
            + "<footer>by Java</footer>",
        html);
  }

  @Test
  void theEsModuleRendersLambdasInvertedSectionsAndCustomTags() throws Exception {
    engine.put("page", PAGE);
    engine.put(ScriptEngine.FILENAME, "render.mjs");
    JsObject exports =
        (JsObject)
            engine.eval(
                "import Mustache from 'mustache';\n"
                    + "export const empty = Mustache.render(page, { title: 'Nobody', people: [] }, { footer: '' });\n"
                    + "export const lambda = Mustache.render('{{#bold}}Hi {{name}}{{/bold}}', {\n"
                    + "  name: 'Ann', bold: () => (text, render) => '<b>' + render(text) + '</b>' });\n"
                    + "export const tags = Mustache.render('<%name%> {{kept}}', { name: 'Cid' }, {}, ['<%', '%>']);\n"
                    + "export const version = Mustache.version;");
    assertEquals(
        Map.of(
            "empty", "<h1>Nobody</h1>\n<p>nobody</p>\n",
            "lambda", "<b>Hi Ann</b>",
            "tags", "Cid {{kept}}",
            "version", "4.2.0"),
        exports.toJava());
  }
}
