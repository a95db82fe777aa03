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
 * <p>Code written against {@code javax.script} alone needs nothing from this package: the
 * engine is found by name and is {@link javax.script.Invocable} and
 * {@link javax.script.Compilable}. The types below are for what {@code javax.script} cannot say:
 * limits fixed at creation, the JavaScript values that come back, modules, and the exact kind
 * of failure. This package is the whole API; {@code dev.qjs.internal} and its sub-packages are
 * not exported and may change in any release.
 *
 * <h2>Engine and factory</h2>
 *
 * <ul>
 *   <li>{@link dev.qjs.QuickJsScriptEngineFactory}: the JSR-223 factory that
 *       {@code ScriptEngineManager} finds under {@code quickjs}, {@code js} and
 *       {@code JavaScript}; it also makes engines from {@link dev.qjs.QuickJsOptions} directly.
 *   <li>{@link dev.qjs.QuickJsScriptEngine}: one QuickJS runtime; its ENGINE_SCOPE bindings are
 *       the script's global object. Beyond {@code ScriptEngine} it can be interrupted from
 *       another thread, closed to free its native memory at once, and parse or write JSON in
 *       one call.
 *   <li>{@link dev.qjs.MemoryUsage}: a snapshot of QuickJS's memory statistics for one engine.
 *   <li>{@link dev.qjs.CpuProfile} (with {@link dev.qjs.CpuProfile.FunctionTime}): a sampling CPU
 *       profile of one engine, from {@code startCpuProfiling()}/{@code stopCpuProfiling()}:
 *       Chrome's {@code .cpuprofile} JSON, folded stacks, the functions that took the most time.
 *   <li>{@link dev.qjs.HeapSummary} (with {@link dev.qjs.HeapSummary.Entry}): what an engine's
 *       heap holds, by class and constructor, and the difference between two summaries.
 * </ul>
 *
 * <h2>Engine pools</h2>
 *
 * <ul>
 *   <li>{@link dev.qjs.QuickJsEnginePool} (with {@link dev.qjs.QuickJsEnginePool.Lease} and
 *       {@link dev.qjs.QuickJsEnginePool.Builder}): engines made from one set of options,
 *       initialized once in the background, leased with a timeout and given back; engines that
 *       hit a limit are discarded, the context is reset between leases.
 *   <li>{@link dev.qjs.EngineInitializer}: what runs on each new engine of a pool before its
 *       first lease.
 *   <li>{@link dev.qjs.PoolMetrics}: a pool's counters (leases, waits, creations, discards,
 *       size), read together.
 * </ul>
 *
 * <h2>Options</h2>
 *
 * <ul>
 *   <li>{@link dev.qjs.QuickJsOptions} and its {@link dev.qjs.QuickJsOptions.Builder}: an
 *       engine's settings, immutable once built: time, memory and stack limits, the class
 *       filter, the module loader, host modules, the handler of errors no script caught. The
 *       limits can also be given as {@code quickjs.*} ENGINE_SCOPE entries, for code that only
 *       sees {@code ScriptEngine}.
 *   <li>{@link dev.qjs.ClassFilter}: which Java classes scripts may reach through
 *       {@code Java.type}; without one, scripts see no {@code Java} object at all.
 * </ul>
 *
 * <h2>Mirrors of JavaScript values</h2>
 *
 * <p>An object, array, function or symbol that a script returns reaches Java as a mirror: a live
 * view of the JavaScript value, which becomes that same value again when passed back in.
 * Primitives arrive as Java values: strings, numbers, booleans, null.
 *
 * <ul>
 *   <li>{@link dev.qjs.JsObject}: a JavaScript object as a {@code Map} of its own enumerable
 *       properties, with {@code callMember}, {@code toJava} and {@code toJson}.
 *   <li>{@link dev.qjs.JsArray}: a JavaScript array as a {@code List}.
 *   <li>{@link dev.qjs.JsFunction}: a JavaScript function, callable from Java with or without
 *       a {@code this}.
 *   <li>{@link dev.qjs.JsSymbol}: a JavaScript symbol, kept by identity.
 * </ul>
 *
 * <h2>Java objects for scripts</h2>
 *
 * <ul>
 *   <li>{@link dev.qjs.DynamicObject}: a Java object whose members its own methods decide each
 *       time a script uses it ({@code getMember}, {@code setMember}, {@code keySet},
 *       {@code call} …), as Nashorn's {@code AbstractJSObject} did.
 * </ul>
 *
 * <h2>Modules</h2>
 *
 * <ul>
 *   <li>{@link dev.qjs.ModuleLoader}: where {@code import} and {@code require} find their
 *       modules, with {@link dev.qjs.ModuleLoader.Kind} telling the two apart. Ready-made
 *       loaders read a map, a directory, class path resources, {@code node_modules} or WebJars
 *       with Node's resolution rules, and compose with {@code orElse}.
 *   <li>{@link dev.qjs.ModuleSource}: the text of one module and its
 *       {@link dev.qjs.ModuleSource.Format}: an ES module, CommonJS or JSON.
 *   <li>{@link dev.qjs.HostModule}: a module that Java publishes for scripts to import as
 *       {@code host:name}; its exports are exactly the entries given.
 *   <li>{@link dev.qjs.ModuleNotFoundException}: a specifier a loader recognises but cannot
 *       resolve, naming the importing module and the paths tried.
 * </ul>
 *
 * <h2>Bytecode</h2>
 *
 * <ul>
 *   <li>{@link dev.qjs.Bytecode}: a script or module compiled once, without an engine, that any
 *       engine runs without parsing ({@link dev.qjs.QuickJsScriptEngine#eval(Bytecode)}); saved
 *       to bytes or a file with a key and loaded in a later run or another JVM.
 *   <li>{@link dev.qjs.BytecodeKey}: the secret that authenticates saved bytecode (HMAC-SHA256):
 *       given by the application, or a key file created per installation, owner-only.
 *   <li>{@link dev.qjs.InvalidBytecodeException}: saved bytecode refused before QuickJS saw it:
 *       not saved bytecode, truncated, modified or tagged with another key, or from another
 *       version.
 * </ul>
 *
 * <h2>Exceptions</h2>
 *
 * <p>Everything a script does wrong is a {@link javax.script.ScriptException}; misuse of the API,
 * such as using a closed engine, is an {@link java.lang.IllegalStateException}.
 *
 * <ul>
 *   <li>{@link dev.qjs.JsException}: a script failed. It carries the file, line and column, the
 *       JavaScript error name and stack, and the thrown value; a Java exception thrown by host
 *       code is its cause. Its subclasses tell why a script was stopped:
 *       <ul>
 *         <li>{@link dev.qjs.JsTimeoutException}: it ran longer than its time limit;
 *         <li>{@link dev.qjs.JsInstructionLimitException}: it passed more poll points (calls
 *             and jumps) than its instruction budget, at the same place on every run;
 *         <li>{@link dev.qjs.JsCpuTimeLimitException}: its thread spent more CPU time than its
 *             CPU-time limit;
 *         <li>{@link dev.qjs.JsInterruptedException}: another thread called
 *             {@link dev.qjs.QuickJsScriptEngine#interrupt()};
 *         <li>{@link dev.qjs.JsMemoryLimitException}: it needed more memory than its limit;
 *         <li>{@link dev.qjs.JsStackOverflowException}: it recursed deeper than the stack allows.
 *       </ul>
 *       After any of them the engine is still usable and keeps its globals.
 *   <li>{@link dev.qjs.UncheckedScriptException}: the same failure where Java allows no checked
 *       exception (a mirror's {@code Map} or {@code List} method, an interface made by
 *       {@code getInterface}); its cause is the {@code JsException}.
 * </ul>
 *
 * <h2>JSON</h2>
 *
 * <ul>
 *   <li>{@link dev.qjs.QuickJsScriptEngine#parseJson(String)} and
 *       {@link dev.qjs.QuickJsScriptEngine#toJson(Object)}: QuickJS's own {@code JSON.parse}
 *       and {@code JSON.stringify}, in one call each.
 *   <li>{@link dev.qjs.JsonNodes}: Jackson's {@code JsonNode} and POJOs to and from JavaScript
 *       values. Jackson is an optional dependency: only this class needs it, and a
 *       {@code JsonNode} put into an engine becomes a JavaScript value without it.
 * </ul>
 */
@NullMarked
package dev.qjs;

import org.jspecify.annotations.NullMarked;
