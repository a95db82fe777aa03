package dev.qjs.internal.interop;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The Java objects that JavaScript currently holds, by id. Each JS wrapper holds one count on
 * its id; the wrapper's finalizer gives it back. The same Java object always has the same id,
 * so an object passed through JS comes back as itself. Used under the runtime's lock.
 */
public final class HostObjects {
  private Object[] objects = new Object[16];
  private int[] counts = new int[16];
  private int[] freeIds = new int[16];
  private int freeCount;
  private int next;
  private final Map<Object, Integer> ids = new IdentityHashMap<>();

  /** Returns the object's id and adds one count to it. */
  public int acquire(Object o) {
    Integer id = ids.get(o);
    if (id == null) {
      id = freeCount > 0 ? freeIds[--freeCount] : next++;
      if (id >= objects.length) {
        objects = Arrays.copyOf(objects, objects.length * 2);
        counts = Arrays.copyOf(counts, counts.length * 2);
      }
      objects[id] = o;
      ids.put(o, id);
    }
    counts[id]++;
    return id;
  }

  public Object get(int id) {
    if (id < 0 || id >= next || objects[id] == null) {
      throw new IllegalStateException("no host object " + id);
    }
    return objects[id];
  }

  public void release(int id) {
    if (id < 0 || id >= next || objects[id] == null) {
      return;
    }
    if (--counts[id] == 0) {
      ids.remove(objects[id]);
      objects[id] = null;
      if (freeCount == freeIds.length) {
        freeIds = Arrays.copyOf(freeIds, freeIds.length * 2);
      }
      freeIds[freeCount++] = id;
    }
  }

  public int size() {
    return ids.size();
  }

  public void clear() {
    Arrays.fill(objects, null);
    ids.clear();
  }
}
