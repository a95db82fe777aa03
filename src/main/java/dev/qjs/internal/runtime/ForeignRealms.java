package dev.qjs.internal.runtime;

import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.ValueWriter;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.script.Bindings;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * The realm kept for each foreign {@code Bindings} (one that is not ours), found by the bindings'
 * identity: {@code SimpleBindings} equality changes with its contents, so a WeakHashMap cannot be
 * used. An entry goes away when its bindings become unreachable, and its realm with it. Around
 * each call the bindings are copied into their realm's global object and its globals back.
 */
final class ForeignRealms {
  private final JsRuntime runtime;
  private final Map<Key, Realm> realms = new HashMap<>();
  private final ReferenceQueue<Bindings> queue = new ReferenceQueue<>();

  ForeignRealms(JsRuntime runtime) {
    this.runtime = runtime;
  }

  private static final class Key extends WeakReference<Bindings> {
    private final int hash;

    Key(Bindings b, @Nullable ReferenceQueue<Bindings> q) {
      super(b, q);
      hash = System.identityHashCode(b);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key k)) {
        return false;
      }
      Object mine = get();
      return mine != null && mine == k.get();
    }
  }

  private void expunge() {
    for (Object k; (k = queue.poll()) != null; ) {
      realms.remove(k);
    }
  }

  synchronized @Nullable Realm get(Bindings b) {
    expunge();
    return realms.get(new Key(b, null));
  }

  synchronized void put(Bindings b, Realm realm) {
    expunge();
    realms.put(new Key(b, queue), realm);
  }

  /**
   * The realm that runs scripts for these ENGINE_SCOPE bindings: the bindings' own realm when
   * they are ours, else a realm kept for them (by identity) whose globals are synchronized with
   * the bindings around each call.
   */
  Realm realmFor(Bindings bindings) {
    if (bindings instanceof RealmBindings rb && rb.realm().runtime() == runtime) {
      return rb.realm();
    }
    Realm realm = get(bindings);
    if (realm == null) {
      realm = runtime.newRealm();
      put(bindings, realm);
    }
    return realm;
  }

  /** The operation of {@link JsRuntime#syncIn}: deletes the globals the bindings lost, then sets theirs. */
  static @Nullable Object syncIn(JsRuntime self, long rt, Realm realm, @Nullable Object foreign, @Nullable Object b, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    Bindings bindings = JsRuntime.operand(foreign, Bindings.class);
    // names the Java side removed since the last call must stop being globals
    for (String k : self.entries(realm, null, false).keySet()) {
      if (!k.isEmpty() && !RealmBindings.isHostKey(k) && !bindings.containsKey(k)) {
        self.delete(realm, null, k);
      }
    }
    ValueWriter w = self.request().undefined();
    int countAt = w.length();
    w.i32(0);
    int count = 0;
    for (Map.Entry<String, Object> e : bindings.entrySet()) {
      if (e.getKey() == null || RealmBindings.isHostKey(e.getKey())) {
        continue;
      }
      w.string(e.getKey()).value(e.getValue());
      count++;
    }
    w.buffer().putInt(countAt, count);
    return self.result(QuickJsNative.qjs_set_many(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  /** Copies a realm's global variables back into foreign bindings (one crossing). */
  void syncOut(Realm realm, Bindings bindings) throws ScriptException {
    Map<String, Object> globals = runtime.entries(realm, null, true);
    List<String> gone = new ArrayList<>();
    for (String k : bindings.keySet()) {
      if (k != null && !RealmBindings.isHostKey(k) && !globals.containsKey(k)) {
        gone.add(k);
      }
    }
    try {
      for (String k : gone) {
        bindings.remove(k);
      }
      for (Map.Entry<String, Object> e : globals.entrySet()) {
        String k = e.getKey();
        // "" is a property name but no valid Bindings key (SimpleBindings rejects it); only
        // what changed is written, so bindings over a read-only map work while a script does
        // not define globals
        if (!k.isEmpty() && !RealmBindings.isHostKey(k)
            && !(bindings.containsKey(k) && sameValue(bindings.get(k), e.getValue()))) {
          bindings.put(k, e.getValue());
        }
      }
    } catch (UnsupportedOperationException readOnly) {
      // bindings over an unmodifiable map: the script's globals stay in the realm kept for them
    }
  }

  private static boolean sameValue(Object a, Object b) {
    return a == b || (a != null && a.equals(b));
  }
}
