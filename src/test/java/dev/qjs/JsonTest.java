package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.script.Invocable;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** JSON at the boundary: Jackson nodes into scripts, parseJson, toJson and {@link JsonNodes}. */
public class JsonTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private QuickJsScriptEngine engine;

  @BeforeEach
  void setUp() throws ScriptException {
    engine = (QuickJsScriptEngine) new ScriptEngineManager().getEngineByName("quickjs");
    engine.eval("function id(x) { return x }");
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  private Object eval(String script) throws ScriptException {
    return engine.eval(script);
  }

  private Object invoke(String name, Object... args) throws Exception {
    return ((Invocable) engine).invokeFunction(name, args);
  }

  private JsonNode tree(String json) throws Exception {
    return mapper.readTree(json);
  }

  /** Hands Jackson nodes to scripts from Java methods. */
  public static class NodeSource {
    private final ObjectMapper mapper = new ObjectMapper();

    public JsonNode object() throws Exception {
      return mapper.readTree("{\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}");
    }

    public ArrayNode array() {
      return mapper.createArrayNode().add(1).add("two");
    }
  }

  public record Point(int x, int y) {}

  /** A plain bean, written by the mapper through its getters. */
  public static class Customer {
    private final String name;
    private final List<String> tags;

    public Customer(String name, List<String> tags) {
      this.name = name;
      this.tags = tags;
    }

    public String getName() {
      return name;
    }

    public List<String> getTags() {
      return tags;
    }
  }

  // ------------------------------------------------------------------ JsonNode into scripts

  @Nested
  class JsonNodesIntoScripts {
    @Test
    void objectNodeBecomesAPlainObjectWithRealArrays() throws Exception {
      engine.put("x", tree("{\"a\":{\"b\":1},\"list\":[1,\"two\",null,true,{\"c\":[]}]}"));
      assertEquals(true, eval("Object.getPrototypeOf(x) === Object.prototype"));
      assertEquals(1, eval("x.a.b"));
      assertEquals(true, eval("Array.isArray(x.list) && x.list.length === 5"));
      assertEquals(true, eval("x.list[1] === 'two' && x.list[2] === null && x.list[3] === true"));
      assertEquals(true, eval("Array.isArray(x.list[4].c)"));
      assertEquals("{\"a\":{\"b\":1},\"list\":[1,\"two\",null,true,{\"c\":[]}]}", eval("JSON.stringify(x)"));
    }

    @Test
    void arrayNodeBecomesARealArray() throws Exception {
      engine.put("x", tree("[3, [4], {\"k\": 5}]"));
      assertEquals(true, eval("Array.isArray(x) && x.length === 3 && Array.isArray(x[1])"));
      assertEquals(12, eval("x.reduce((s, v) => s + (typeof v === 'number' ? v : v[0] ?? v.k), 0)"));
    }

    @Test
    void scalarNodesBecomePrimitives() throws ScriptException {
      engine.put("t", TextNode.valueOf("hi \"there\""));
      engine.put("i", IntNode.valueOf(5));
      engine.put("d", DoubleNode.valueOf(1.5));
      engine.put("b", BooleanNode.TRUE);
      engine.put("n", NullNode.getInstance());
      assertEquals(true, eval("t === 'hi \"there\"'"));
      assertEquals(true, eval("i === 5 && d === 1.5 && b === true && n === null"));
    }

    @Test
    void missingNodeBecomesUndefined() throws ScriptException {
      engine.put("m", MissingNode.getInstance());
      assertEquals("undefined", eval("typeof m"));
    }

    @Test
    void nodeAsAnInvokeFunctionArgumentIsAJsValue() throws Exception {
      eval("function count(n) { return Array.isArray(n.items) ? n.items.length : -1 }");
      assertEquals(3, invoke("count", tree("{\"items\":[1,2,3]}")));
    }

    @Test
    void nodeReturnedByAJavaMethodIsAJsValue() throws ScriptException {
      engine.put("src", new NodeSource());
      assertEquals(true, eval("const o = src.object(); Array.isArray(o.items) && o.items[1].name === 'b'"));
      assertEquals(true, eval("const a = src.array(); Array.isArray(a) && a[1] === 'two'"));
    }

    @Test
    void nodeInsideAJavaMapIsAJsValueWhenRead() throws Exception {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("n", tree("[1, 2]"));
      engine.put("m", m);
      assertEquals(true, eval("Array.isArray(m.n) && m.n[1] === 2"));
    }

    @Test
    void scriptChangesDoNotReachTheNode() throws Exception {
      JsonNode node = tree("{\"a\":{\"b\":1}}");
      engine.put("x", node);
      eval("x.a.b = 2; x.z = 3");
      assertEquals(1, node.get("a").get("b").asInt());
      assertNull(node.get("z"));
    }
  }

  // ------------------------------------------------------------------ parseJson

  @Nested
  class ParseJson {
    @Test
    void objectsAndArraysAreMirrors() throws ScriptException {
      JsObject o = assertInstanceOf(JsObject.class, engine.parseJson("{\"a\":[1,2],\"b\":{\"c\":true}}"));
      JsArray a = assertInstanceOf(JsArray.class, o.get("a"));
      assertEquals(List.of(1, 2), a);
      assertEquals(true, ((JsObject) o.get("b")).get("c"));
      assertInstanceOf(JsArray.class, engine.parseJson("[]"));
    }

    @Test
    void primitivesArePlainJavaValues() throws ScriptException {
      assertEquals(1, engine.parseJson("1"));
      assertEquals(1.5, engine.parseJson("1.5"));
      assertEquals("s", engine.parseJson("\"s\""));
      assertEquals(true, engine.parseJson(" true "));
      assertNull(engine.parseJson("null"));
    }

    @Test
    void mirrorIsAJsObjectOfTheEngine() throws Exception {
      Object o = engine.parseJson("{\"k\":[1]}");
      eval("function isPlain(v) { return Object.getPrototypeOf(v) === Object.prototype && Array.isArray(v.k) }");
      assertEquals(true, invoke("isPlain", o));
    }

    @Test
    void syntaxErrorIsAJsExceptionNamedSyntaxError() {
      JsException e = assertThrows(JsException.class, () -> engine.parseJson("{bad"));
      assertEquals("SyntaxError", e.getErrorName());
      assertThrows(JsException.class, () -> engine.parseJson(""));
      assertThrows(JsException.class, () -> engine.parseJson("[1,]"));
    }

    @Test
    void engineStaysUsableAfterASyntaxError() throws ScriptException {
      assertThrows(JsException.class, () -> engine.parseJson("{"));
      assertEquals(List.of(1), engine.parseJson("[1]"));
    }
  }

  // ------------------------------------------------------------------ toJson

  @Nested
  class ToJson {
    @Test
    void mirrorsStringifyThemselves() throws ScriptException {
      JsObject o = (JsObject) eval("({a: [1, 'x'], b: undefined, c: null})");
      assertEquals("{\"a\":[1,\"x\"],\"c\":null}", o.toJson());
      assertEquals("{\"a\":[1,\"x\"],\"c\":null}", engine.toJson(o));
      JsArray a = (JsArray) eval("[1, undefined, () => 1, {d: new Date(0)}]");
      assertEquals("[1,null,null,{\"d\":\"1970-01-01T00:00:00.000Z\"}]", a.toJson());
    }

    @Test
    void toJsonMethodsAreRespected() throws ScriptException {
      JsObject o = (JsObject) eval("({secret: 1, toJSON() { return {shown: 2} }})");
      assertEquals("{\"shown\":2}", o.toJson());
    }

    @Test
    void whatJsonCannotShowIsNull() throws ScriptException {
      JsFunction f = (JsFunction) eval("(function () {})");
      assertNull(f.toJson());
      assertNull(engine.toJson(f));
      assertNull(((JsObject) eval("({toJSON() { return undefined }})")).toJson());
      assertEquals("null", engine.toJson(null));
    }

    @Test
    void javaValuesStringifyAsScriptsSeeThem() throws Exception {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("a", 1);
      m.put("b", List.of(true, "s"));
      assertEquals("{\"a\":1,\"b\":[true,\"s\"]}", engine.toJson(m));
      assertEquals("[1,2]", engine.toJson(List.of(1, 2)));
      assertEquals("{\"x\":3,\"y\":4}", engine.toJson(new Point(3, 4)));
      assertEquals("\"1970-01-01T00:00:00.000Z\"", engine.toJson(Instant.EPOCH));
      assertEquals("1.5", engine.toJson(1.5));
      assertEquals("{\"k\":[1]}", engine.toJson(tree("{\"k\":[1]}")));
    }

    @Test
    void cyclesAndBigIntsAreTypeErrors() throws ScriptException {
      JsObject cyclic = (JsObject) eval("var c = {}; c.c = c; c");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, cyclic::toJson);
      assertEquals("TypeError", ((JsException) e.getCause()).getErrorName());
      JsException big = assertThrows(JsException.class, () -> engine.toJson(eval("({n: 1n})")));
      assertEquals("TypeError", big.getErrorName());
    }
  }

  // ------------------------------------------------------------------ JsonNodes

  @Nested
  class JsonNodesHelper {
    @Test
    void mirrorsBecomeTheTreeJsonStringifyDescribes() throws Exception {
      JsonNode n = JsonNodes.of(eval("({a: [1, 'x', null], b: {c: true}, u: undefined, f() {}})"));
      assertEquals(tree("{\"a\":[1,\"x\",null],\"b\":{\"c\":true}}"), n);
      assertInstanceOf(ObjectNode.class, n);
      JsonNode arr = JsonNodes.of(eval("[1, [2]]"), mapper);
      assertEquals(tree("[1,[2]]"), arr);
      assertInstanceOf(ArrayNode.class, arr);
    }

    @Test
    void primitivesGoThroughValueToTree() throws ScriptException {
      assertEquals(IntNode.valueOf(7), JsonNodes.of(eval("7")));
      assertEquals(DoubleNode.valueOf(7.5), JsonNodes.of(eval("7.5")));
      assertEquals(TextNode.valueOf("s"), JsonNodes.of(eval("'s'")));
      assertEquals(BooleanNode.FALSE, JsonNodes.of(eval("false")));
    }

    @Test
    void undefinedAndFunctionsGiveNullNode() throws ScriptException {
      assertEquals(NullNode.getInstance(), JsonNodes.of(eval("(function () {})")));
      assertEquals(NullNode.getInstance(), JsonNodes.of(eval("undefined")));
      assertEquals(NullNode.getInstance(), JsonNodes.of(null, mapper));
    }

    @Test
    void theGivenMapperReadsMirrors() throws ScriptException {
      ObjectMapper decimals = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
      JsonNode n = JsonNodes.of(eval("({v: 0.1})"), decimals);
      assertInstanceOf(DecimalNode.class, n.get("v"));
    }

    @Test
    void recordsAndBeansBecomeJsObjects() throws Exception {
      Object p = JsonNodes.toJs(engine, new Point(1, 2), mapper);
      JsObject po = assertInstanceOf(JsObject.class, p);
      assertEquals(1, po.get("x"));
      Object c = JsonNodes.toJs(engine, new Customer("ann", List.of("vip")), mapper);
      eval("function describe(c) { return Object.getPrototypeOf(c) === Object.prototype && Array.isArray(c.tags) ? c.name + ':' + c.tags[0] : 'no' }");
      assertEquals("ann:vip", invoke("describe", c));
    }

    @Test
    void listsBecomeArraysAndNullStaysNull() throws ScriptException {
      assertInstanceOf(JsArray.class, JsonNodes.toJs(engine, List.of(1, 2), mapper));
      assertNull(JsonNodes.toJs(engine, null, mapper));
      assertEquals("s", JsonNodes.toJs(engine, "s", mapper));
    }

    @Test
    void nodesRoundTripThroughTheEngine() throws Exception {
      JsonNode original = tree("{\"a\":[1,2.5,\"x\",null,false,{\"b\":[]}],\"c\":{}}");
      engine.put("x", original);
      assertEquals(original, JsonNodes.of(eval("x")));
    }
  }

  // ------------------------------------------------------------------ unicode

  @Nested
  class Unicode {
    @Test
    void nonBmpCharactersRoundTripThroughNodes() throws Exception {
      JsonNode node = tree("{\"s\":\"x\uD83D\uDE00y\",\"\uD83C\uDF89\":1}");
      engine.put("x", node);
      assertEquals(4, eval("x.s.length"));
      assertEquals(0x1F600, eval("x.s.codePointAt(1)"));
      assertEquals(1, eval("x['\\u{1F389}']"));
      assertEquals(node, JsonNodes.of(eval("x")));
    }

    @Test
    void escapesParseToTheirCharacters() throws ScriptException {
      assertEquals(
          "\uD83D\uDE00 \u00e9 \n \" \\ / \u2028 \u0000",
          engine.parseJson("\"\\ud83d\\ude00 \\u00e9 \\n \\\" \\\\ \\/ \\u2028 \\u0000\""));
    }

    @Test
    void rawNonBmpTextParses() throws ScriptException {
      assertEquals("\uD83D\uDE00", ((JsObject) engine.parseJson("{\"e\":\"\uD83D\uDE00\"}")).get("e"));
    }

    @Test
    void stringifyEscapesWhatJsonMustEscape() throws ScriptException {
      assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", engine.toJson("a\"b\\c\n\u0001"));
      assertEquals("\"\uD83D\uDE00\"", engine.toJson("\uD83D\uDE00"));
    }

    @Test
    void loneSurrogatesRoundTripAsEscapes() throws ScriptException {
      assertEquals("\uD800", engine.parseJson("\"\\ud800\""));
      assertEquals("\"\\ud800\"", engine.toJson("\uD800"));
    }

    @Test
    void loneSurrogatesInRawJsonTextSurvive() throws ScriptException {
      assertEquals("a\uD800b", engine.parseJson("\"a\uD800b\""));
      engine.put("t", TextNode.valueOf("a\uD800b"));
      assertEquals(0xD800, eval("t.charCodeAt(1)"));
    }
  }

  // ------------------------------------------------------------------ size

  @Nested
  class LargeDocuments {
    private String tenMegabytes() {
      StringBuilder sb = new StringBuilder(11 << 20).append('[');
      for (int i = 0; sb.length() < (10 << 20); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append("{\"id\":").append(i)
            .append(",\"name\":\"item-").append(i).append("\u00e9\uD83D\uDE00\"")
            .append(",\"tags\":[\"a\",\"b\",").append(i % 10).append("]")
            .append(",\"nested\":{\"ok\":true,\"v\":").append(i + 0.5).append("}}");
      }
      return sb.append(']').toString();
    }

    @Test
    void tenMegabyteDocumentParsesAndStringifiesBack() throws ScriptException {
      String json = tenMegabytes();
      JsArray a = assertInstanceOf(JsArray.class, engine.parseJson(json));
      int n = a.size();
      assertTrue(n > 50_000, "elements: " + n);
      JsObject last = (JsObject) a.get(n - 1);
      assertEquals(n - 1, last.get("id"));
      assertEquals(json, a.toJson());
    }

    @Test
    void millionDeepNestingFailsCleanlyBothWays() throws ScriptException {
      String deep = "[".repeat(1_000_000) + "]".repeat(1_000_000);
      JsException parse = assertThrows(JsException.class, () -> engine.parseJson(deep));
      assertTrue(parse.getMessage().contains("stack overflow"), parse.getMessage());
      JsObject o = (JsObject) eval("let d = {}; for (let i = 0; i < 1000000; i++) d = {c: d}; d");
      assertThrows(UncheckedScriptException.class, o::toJson);
      assertThrows(JsException.class, () -> engine.toJson(o));
      assertThrows(UncheckedScriptException.class, () -> JsonNodes.of(o));
      assertEquals(List.of(1), engine.parseJson("[1]"), "the engine stays usable");
    }

    @Tag("slow-under-emulation") // binding-independent volume: the x86-64 suites run it
    @Test
    void tenMegabyteNodeCrossesIntoTheEngineAndBack() throws Exception {
      JsonNode node = mapper.readTree(tenMegabytes());
      engine.put("doc", node);
      assertEquals(node.size(), eval("doc.length"));
      assertEquals("item-7\u00e9\uD83D\uDE00", eval("doc[7].name"));
      assertEquals(node, JsonNodes.of(eval("doc")));
    }
  }
}
