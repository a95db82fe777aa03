package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qjs.JsArray;
import dev.qjs.JsException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ajv 8.5.0 and its dependencies (fast-deep-equal, json-schema-traverse, require-from-string,
 * uri-js, punycode), each from its WebJar: ajv compiles every schema into JavaScript source and
 * makes a function of it with {@code new Function}, which QuickJS runs. Results and error lists
 * are exactly Node 20's.
 */
class AjvTest {
  private static final String ORDER_SCHEMA =
      """
      { "$id": "order", "type": "object", "required": ["id", "items"], "additionalProperties": false,
        "properties": {
          "id": { "type": "string", "pattern": "^ORD-[0-9]{4}$" },
          "items": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/item" } },
          "status": { "enum": ["new", "paid", "shipped"] } },
        "$defs": { "item": { "type": "object", "required": ["sku", "qty"], "properties": {
          "sku": { "type": "string", "minLength": 3 }, "qty": { "type": "integer", "minimum": 1 } } } } }
      """;

  private final ScriptEngine engine = PackageScripts.standardEngine();

  @BeforeEach
  void compileTheSchema() throws Exception {
    engine.put("schema", ORDER_SCHEMA);
    engine.eval(
        "const Ajv = require('ajv');\n"
            + "const ajv = new Ajv({ allErrors: true });\n"
            + "const validate = ajv.compile(JSON.parse(schema));\n"
            + "function check(order) {\n"
            + "  return validate(order) ? [] : validate.errors.map(e => `${e.instancePath} ${e.keyword}: ${e.message}`);\n"
            + "}");
  }

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  @Test
  void goodDataPassesAndBadDataGivesEveryErrorWithItsPath() throws Exception {
    assertEquals(
        List.of(),
        engine.eval("check({ id: 'ORD-0001', items: [{ sku: 'TEA', qty: 2 }], status: 'paid' })"));
    JsArray errors =
        (JsArray)
            engine.eval(
                "check({ id: 'X-1', items: [{ sku: 'TEA', qty: 2 }, { sku: 'C', qty: 0.5 }], status: 'lost', extra: true })");
    assertEquals(
        List.of(
            " additionalProperties: must NOT have additional properties",
            "/id pattern: must match pattern \"^ORD-[0-9]{4}$\"",
            "/items/1/sku minLength: must NOT have fewer than 3 characters",
            "/items/1/qty type: must be integer",
            "/items/1/qty minimum: must be >= 1",
            "/status enum: must be equal to one of the allowed values"),
        errors.toJava());
    assertEquals(
        "data/items/0/qty must be integer",
        engine.eval(
            "validate({ id: 'ORD-0002', items: [{ sku: 'TEA', qty: 1.5 }] });\n"
                + "ajv.errorsText(validate.errors)"));
  }

  @Test
  void liveJavaMapsAndListsValidateAsObjectsAndArrays() throws Exception {
    Map<String, Object> order =
        Map.of("id", "ORD-0003", "items", List.of(Map.of("sku", "TEA", "qty", 1), Map.of("sku", "CAKE", "qty", 0)));
    assertEquals(
        List.of("/items/1/qty minimum: must be >= 1"),
        ((JsArray) ((Invocable) engine).invokeFunction("check", order)).toJava(),
        "Array.isArray(list) is true for a Java List, typeof map is 'object'");
    assertEquals(
        List.of("/items/1/qty minimum: must be >= 1"),
        ((JsArray) ((Invocable) engine).invokeFunction("check", new ObjectMapper().valueToTree(order))).toJava(),
        "the same through Jackson");
  }

  @Test
  void strictModeRejectsAnUnknownKeywordAsAJsException() {
    JsException e =
        assertThrows(
            JsException.class, () -> engine.eval("new Ajv().compile({ type: 'string', colour: 'red' })"));
    assertTrue(e.getMessage().startsWith("Error: strict mode: unknown keyword: \"colour\" in webjar:ajv@8.5.0/"), e.getMessage());
  }

  @Test
  void theDraft2020DialectChecksTuples() throws Exception {
    StringWriter warnings = new StringWriter();
    engine.getContext().setErrorWriter(warnings);
    Object results =
        engine.eval(
            "const Ajv2020 = require('ajv/dist/2020');\n"
                + "const tuple = new Ajv2020().compile({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false });\n"
                + "[tuple(['a', 1]), tuple(['a', 1, 2]), tuple.errors[0].message]");
    assertEquals(List.of(true, false, "must NOT have more than 2 items"), ((JsArray) results).toJava());
    assertTrue(
        warnings.toString().startsWith("strict mode: \"prefixItems\" is 2-tuple, but minItems or maxItems/items"),
        "ajv's console.warn reaches the error writer: " + warnings);
  }
}
