package dev.qjs.internal.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One JavaScript realm (a QuickJS context): a global object with its own built-ins. The engine's
 * default bindings are one realm; every {@code createBindings()} and every foreign
 * {@code Bindings} gets its own. Bytecode is bound to the realm it was compiled or read in, so
 * the caches of evaluated sources and of compiled scripts live here. Freed when unreachable or
 * when the runtime closes. Used under the runtime's lock.
 */
public final class Realm {
  private static final int EVAL_CACHE_ENTRIES = 64;

  private final JsRuntime runtime;
  private final long pointer;
  private @Nullable Map<Object, JsHandle> evalCache;
  private @Nullable Map<Object, JsHandle> compiled;
  private @Nullable List<Realm> kept;

  Realm(JsRuntime runtime, long pointer) {
    this.runtime = runtime;
    this.pointer = pointer;
  }

  public JsRuntime runtime() {
    return runtime;
  }

  /** The native realm (a QuickJS context). */
  public long pointer() {
    return pointer;
  }

  /** Bytecode of recently evaluated sources, least recently used first out. */
  Map<Object, JsHandle> evalCache() {
    if (evalCache == null) {
      evalCache =
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, JsHandle> eldest) {
              return size() > EVAL_CACHE_ENTRIES;
            }
          };
    }
    return evalCache;
  }

  /**
   * Keeps another realm (one a {@code loadWithNewGlobal} made) as long as this one: its functions
   * and objects may live on in this realm's values, and the shim's state of a realm must outlive
   * every value of it.
   */
  public void keep(Realm other) {
    if (kept == null) {
      kept = new ArrayList<>();
    }
    kept.add(other);
  }

  /** Bytecode of compiled scripts read into this realm, until the compiled script is dropped. */
  Map<Object, JsHandle> compiled() {
    if (compiled == null) {
      compiled = new WeakHashMap<>();
    }
    return compiled;
  }
}
