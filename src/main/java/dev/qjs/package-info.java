/**
 * quickjs-jsr223: current ECMAScript for Java through {@code javax.script}, on QuickJS.
 *
 * <pre>{@code
 * ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
 * engine.put("order", 41);
 * Object total = engine.eval("order + 1");            // 42
 * JsObject o = (JsObject) engine.eval("({a: [1, 2]})"); // a live view of a JS object
 * }</pre>
 *
 * <p>The public types are the factory and engine, the mirrors of JavaScript values
 * ({@link dev.qjs.JsObject}, {@link dev.qjs.JsArray}, {@link dev.qjs.JsFunction},
 * {@link dev.qjs.JsSymbol}) and the exceptions ({@link dev.qjs.JsException},
 * {@link dev.qjs.UncheckedScriptException}). Everything in {@code dev.qjs.internal} may change.
 */
@NullMarked
package dev.qjs;

import org.jspecify.annotations.NullMarked;
