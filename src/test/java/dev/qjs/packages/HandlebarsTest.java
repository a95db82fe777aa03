package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.JsException;
import java.util.List;
import java.util.Map;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * handlebars 4.7.7 from its WebJar, loaded as Node loads it: {@code require('handlebars')} runs
 * the package's {@code lib/index.js} and its CommonJS tree (which reads Node's {@code global}).
 * Templates compile to JavaScript with {@code new Function} and render Java models.
 */
class HandlebarsTest {
  private final ScriptEngine engine = PackageScripts.standardEngine();

  @BeforeEach
  void load() throws Exception {
    engine.eval(
        "const Handlebars = require('handlebars');\n"
            + "Handlebars.registerHelper('money', (amount, options) =>\n"
            + "  (options.hash.currency || '€') + ' ' + Number(amount).toFixed(2));\n"
            + "Handlebars.registerHelper('upper', s => String(s).toUpperCase());\n"
            + "Handlebars.registerPartial('line', '<li>{{upper name}}: {{money price currency=@root.currency}}</li>');\n"
            + "function render(source, model) { return Handlebars.compile(source)(model); }");
  }

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  @Test
  void aTemplateWithHelpersPartialsAndEscapingRendersAJavaModel() throws Exception {
    Map<String, Object> model =
        Map.of(
            "title", "Tea & <Cake>",
            "currency", "$",
            "items", List.of(Map.of("name", "tea", "price", 3.5), Map.of("name", "cake", "price", 2)),
            "vip", true);
    Object html =
        ((Invocable) engine)
            .invokeFunction(
                "render",
                "<h1>{{title}}</h1><ul>{{#each items}}{{> line}}{{/each}}</ul>"
                    + "{{#if vip}}<p>{{{title}}} for {{items.length}} items</p>{{else}}no{{/if}}",
                model);
    assertEquals(
        "<h1>Tea &amp; &lt;Cake&gt;</h1><ul><li>TEA: $ 3.50</li><li>CAKE: $ 2.00</li></ul>"
            + "<p>Tea & <Cake> for 2 items</p>",
        html);
  }

  @Test
  void localDateFieldsOfAJavaModelRenderAsTheirText() throws Exception {
    // a LocalDate is a TemporalAdjuster (a functional interface): it must stay a value, not be
    // taken for a Handlebars lambda
    Map<String, Object> model =
        Map.of("due", java.time.LocalDate.of(2024, 1, 2),
            "at", java.time.LocalDateTime.of(2024, 1, 2, 3, 4), "at2", java.time.LocalTime.of(5, 6));
    assertEquals(
        "due 2024-01-02 at 2024-01-02T03:04 05:06 2024",
        ((Invocable) engine).invokeFunction("render", "due {{due}} at {{at}} {{at2}} {{due.year}}", model));
  }

  @Test
  void eachGivesIndexFirstAndLastOverAJavaList() throws Exception {
    engine.put("names", List.of("ann", "bob", "cid"));
    assertEquals(
        "[0 ann first][1 bob][2 cid last]",
        engine.eval(
            "render('{{#each names}}[{{@index}} {{this}}{{#if @first}} first{{/if}}{{#if @last}} last{{/if}}]{{/each}}',"
                + " {names})"));
  }

  @Test
  void precompiledTemplatesRunThroughTheRuntime() throws Exception {
    assertEquals(
        "Hi ANN!",
        engine.eval(
            "const spec = Handlebars.precompile('Hi {{upper who}}!');\n"
                + "Handlebars.template(new Function('return ' + spec)())({who: 'ann'})"));
  }

  @Test
  void aBrokenTemplateIsAJsExceptionWithHandlebarsMessage() {
    JsException e = assertThrows(JsException.class, () -> engine.eval("render('{{#each items}}oops', {items: []})"));
    assertTrue(e.getMessage().startsWith("Error: Parse error on line 1:"), e.getMessage());
    assertTrue(e.getMessage().contains("Expecting 'OPEN_INVERSE_CHAIN', 'INVERSE', 'OPEN_ENDBLOCK'"), e.getMessage());
  }
}
