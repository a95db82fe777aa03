package dev.qjs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * Jackson at the boundary (Jackson is an optional dependency: only this class needs it). A
 * {@link JsonNode} put into an engine, passed as an argument or returned by a Java method
 * becomes a JavaScript value directly; this class goes the other way, and hands POJOs and
 * records to scripts as JSON through your {@link ObjectMapper}. Each direction is one call into
 * the engine.
 *
 * <pre>{@code
 * engine.put("order", mapper.readTree("{\"lines\":[{\"qty\":2}]}"));   // a JS object
 * JsonNode total = JsonNodes.of(engine.eval("({total: order.lines[0].qty * 10})"), mapper);
 * Object js = JsonNodes.toJs(engine, new Order(...), mapper);           // a POJO as a JS object
 * }</pre>
 */
public final class JsonNodes {
  private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper();

  private JsonNodes() {}

  /**
   * A value that came from a script, as a JsonNode (with a plain ObjectMapper).
   *
   * @param jsValue a value from the engine: a mirror, a primitive, or null
   * @return the tree, never null; a {@code NullNode} for null, undefined and functions
   * @throws UncheckedScriptException when {@code JSON.stringify} of a mirror throws (a cycle, a
   *     BigInt)
   * @throws IllegalArgumentException when Jackson cannot convert a value that is not a mirror
   */
  public static JsonNode of(@Nullable Object jsValue) {
    return of(jsValue, DEFAULT_MAPPER);
  }

  /**
   * A value that came from a script, as a JsonNode read by the given mapper: a mirror is
   * serialized by QuickJS's {@code JSON.stringify} in one call; a primitive directly; undefined
   * and functions give a {@code NullNode}.
   *
   * @param jsValue a value from the engine: a mirror, a primitive, or null
   * @param mapper reads the JSON text, or converts a value that is not a mirror
   * @return the tree, never null; a {@code NullNode} for null, undefined and functions
   * @throws UncheckedScriptException when {@code JSON.stringify} of a mirror throws (a cycle, a
   *     BigInt)
   * @throws IllegalArgumentException when the mapper cannot convert a value that is not a mirror
   */
  public static JsonNode of(@Nullable Object jsValue, ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper");
    String json;
    if (jsValue instanceof JsObject o) {
      json = o.toJson();
    } else if (jsValue instanceof JsArray a) {
      json = a.toJson();
    } else {
      return mapper.valueToTree(jsValue);
    }
    try {
      return json == null ? mapper.nullNode() : mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("QuickJS produced JSON that Jackson cannot read", e);
    }
  }

  /**
   * A POJO, record or any value the mapper can write, as a JavaScript value of the engine:
   * written to JSON by the mapper, then parsed by the engine's {@code JSON.parse}.
   *
   * @param engine the engine that gets the value
   * @param value the value to write; null gives null
   * @param mapper writes {@code value} as JSON
   * @return a {@link JsObject}, a {@link JsArray}, a primitive, or null for JSON {@code null}
   * @throws ScriptException a {@link JsException} when the engine cannot parse the text within
   *     its limits (time, memory, stack depth)
   * @throws IllegalArgumentException when the mapper cannot write {@code value}
   * @throws IllegalStateException when the engine is closed
   */
  public static @Nullable Object toJs(QuickJsScriptEngine engine, @Nullable Object value, ObjectMapper mapper)
      throws ScriptException {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(mapper, "mapper");
    try {
      return engine.parseJson(mapper.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the mapper cannot write a " + (value == null ? "null" : value.getClass().getName()), e);
    }
  }
}
