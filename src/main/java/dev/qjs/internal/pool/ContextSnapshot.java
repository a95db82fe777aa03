package dev.qjs.internal.pool;

import java.io.Reader;
import java.io.Writer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import org.jspecify.annotations.Nullable;

/**
 * What an engine's context looked like when it became ready (after the initializer), put back
 * when a lease returns it: the default {@code ScriptContext} object, its writer, error writer and
 * reader, the bindings objects of both scopes, the ENGINE_SCOPE keys (top-level names a lease
 * added are deleted; a {@code var} JavaScript will not delete becomes undefined) and the host
 * settings ({@code quickjs.*}, {@code javax.script.*}) with their values. Values of the names the
 * initializer made are not put back: a lease that changes them changes them for the next lease
 * ({@code freshEnginePerLease} is the isolation for that).
 */
final class ContextSnapshot {
  private final ScriptContext context;
  private final Writer writer;
  private final Writer errorWriter;
  private final Reader reader;
  private final Bindings engineScope;
  private final @Nullable Bindings globalScope;
  private final Set<String> names;
  private final Map<String, @Nullable Object> settings;

  private ContextSnapshot(ScriptEngine engine) {
    this.context = engine.getContext();
    this.writer = context.getWriter();
    this.errorWriter = context.getErrorWriter();
    this.reader = context.getReader();
    this.engineScope = Objects.requireNonNull(context.getBindings(ScriptContext.ENGINE_SCOPE), "ENGINE_SCOPE");
    this.globalScope = context.getBindings(ScriptContext.GLOBAL_SCOPE);
    this.names = new HashSet<>(engineScope.keySet());
    this.settings = new LinkedHashMap<>();
    for (String key : names) {
      if (isSetting(key)) {
        settings.put(key, engineScope.get(key));
      }
    }
  }

  /** The state of a ready engine. */
  static ContextSnapshot of(ScriptEngine engine) {
    return new ContextSnapshot(engine);
  }

  private static boolean isSetting(String key) {
    return key.startsWith("quickjs.") || key.startsWith("javax.script.");
  }

  /**
   * Puts the state back; a RuntimeException (the engine was closed, a limit stopped the clean-up)
   * means the engine must not be reused.
   */
  void restore(ScriptEngine engine) {
    if (engine.getContext() != context) {
      engine.setContext(context);
    }
    if (context.getWriter() != writer) {
      context.setWriter(writer);
    }
    if (context.getErrorWriter() != errorWriter) {
      context.setErrorWriter(errorWriter);
    }
    if (context.getReader() != reader) {
      context.setReader(reader);
    }
    if (context.getBindings(ScriptContext.ENGINE_SCOPE) != engineScope) {
      context.setBindings(engineScope, ScriptContext.ENGINE_SCOPE);
    }
    if (context.getBindings(ScriptContext.GLOBAL_SCOPE) != globalScope) {
      context.setBindings(globalScope, ScriptContext.GLOBAL_SCOPE);
    }
    for (String key : engineScope.keySet()) {
      if (!names.contains(key)) {
        engineScope.remove(key);
      }
    }
    for (Map.Entry<String, @Nullable Object> e : settings.entrySet()) {
      if (!Objects.equals(engineScope.get(e.getKey()), e.getValue())) {
        engineScope.put(e.getKey(), e.getValue());
      }
    }
  }
}
