package dev.qjs.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import javax.script.Bindings;
import org.jspecify.annotations.Nullable;

/**
 * The realm kept for each foreign {@code Bindings} (one that is not ours), found by the bindings'
 * identity: {@code SimpleBindings} equality changes with its contents, so a WeakHashMap cannot be
 * used. An entry goes away when its bindings become unreachable, and its realm with it.
 */
final class ForeignRealms {
  private final Map<Key, Realm> realms = new HashMap<>();
  private final ReferenceQueue<Bindings> queue = new ReferenceQueue<>();

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
}
