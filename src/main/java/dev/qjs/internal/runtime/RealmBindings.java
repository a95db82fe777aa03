package dev.qjs.internal.runtime;

import dev.qjs.internal.profile.CpuProfiler;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.script.Bindings;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * ENGINE_SCOPE bindings that are a realm's global object, live: a {@code put} is seen at once by
 * functions already defined, top-level {@code var}s and functions of scripts appear here, and
 * {@code remove} makes the name undefined. Keys starting with {@code quickjs.} or
 * {@code javax.script.} are host-side settings kept in Java and never visible to scripts.
 */
public final class RealmBindings extends AbstractMap<String, Object> implements Bindings {
  private final Realm realm;
  private final Function<ScriptException, RuntimeException> unchecked;
  private final Map<String, Object> settings = new LinkedHashMap<>();
  /** settings.size(), written under the settings' lock, read without it. */
  private volatile int settingsCount;

  public RealmBindings(Realm realm, Function<ScriptException, RuntimeException> unchecked) {
    this.realm = realm;
    this.unchecked = unchecked;
  }

  public Realm realm() {
    return realm;
  }

  /** True when no host-side setting ({@code quickjs.*}, {@code javax.script.*}) is set. */
  public boolean hasNoSettings() {
    return settingsCount == 0; // asked on every call: no lock
  }

  /** True for keys that configure the host and never become JS globals. */
  public static boolean isHostKey(String key) {
    return key.startsWith("quickjs.") || key.startsWith("javax.script.");
  }

  private static String checkKey(Object key) {
    Objects.requireNonNull(key, "key");
    if (!(key instanceof String s)) {
      throw new ClassCastException("Bindings keys are Strings, not " + key.getClass().getName());
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("Bindings keys must not be empty");
    }
    return s;
  }

  private JsRuntime runtime() {
    return realm.runtime();
  }

  @Override
  public @Nullable Object put(String name, @Nullable Object value) {
    String key = checkKey(name);
    if (isHostKey(key)) {
      Limits.check(key, value); // a bad limit is refused here, not by every later call
      synchronized (settings) {
        try {
          return settings.put(key, value);
        } finally {
          settingsCount = settings.size();
        }
      }
    }
    try {
      return runtime().set(realm, null, key, value, true);
    } catch (ScriptException e) {
      throw unchecked.apply(e);
    }
  }

  @Override
  public void putAll(Map<? extends String, ? extends Object> toMerge) {
    for (Map.Entry<? extends String, ? extends Object> e : toMerge.entrySet()) {
      String key = e.getKey();
      if (key != null && isHostKey(key)) {
        Limits.check(key, e.getValue()); // all or nothing: refused before any is put
      }
    }
    for (Map.Entry<? extends String, ? extends Object> e : toMerge.entrySet()) {
      put(e.getKey(), e.getValue());
    }
  }

  @Override
  public boolean containsKey(Object name) {
    String key = checkKey(name);
    if (isHostKey(key)) {
      synchronized (settings) {
        return settings.containsKey(key);
      }
    }
    try {
      return runtime().has(realm, null, key, true);
    } catch (ScriptException e) {
      throw unchecked.apply(e);
    }
  }

  @Override
  public @Nullable Object get(Object name) {
    String key = checkKey(name);
    if (isHostKey(key)) {
      synchronized (settings) {
        return settings.get(key);
      }
    }
    try {
      // own names only, as containsKey and keySet: a name the global object inherits (from
      // Object.prototype, or a GLOBAL_SCOPE entry found through its prototype) is not in here
      return runtime().get(realm, null, key, true);
    } catch (ScriptException e) {
      throw unchecked.apply(e);
    }
  }

  @Override
  public @Nullable Object remove(Object name) {
    String key = checkKey(name);
    if (isHostKey(key)) {
      Object old;
      synchronized (settings) {
        try {
          old = settings.remove(key);
        } finally {
          settingsCount = settings.size();
        }
      }
      if (CpuProfiler.KEY.equals(key)) {
        runtime().cpuProfileSettingRemoved(); // the profile's file is written now
      }
      return old;
    }
    try {
      Object old = get(key);
      runtime().delete(realm, null, key);
      return old;
    } catch (ScriptException e) {
      throw unchecked.apply(e);
    }
  }

  private Map<String, Object> snapshot() {
    try {
      Map<String, Object> all = runtime().entries(realm, null, true);
      synchronized (settings) {
        all.putAll(settings);
      }
      return all;
    } catch (ScriptException e) {
      throw unchecked.apply(e);
    }
  }

  @Override
  public int size() {
    try {
      int n = runtime().entries(realm, null, false).size();
      synchronized (settings) {
        return n + settings.size();
      }
    } catch (ScriptException e) {
      throw unchecked.apply(e);
    }
  }

  @Override
  public Set<String> keySet() {
    try {
      // a copy: the entries map's key view cannot grow, and the settings are added to it
      Set<String> keys = new java.util.LinkedHashSet<>(runtime().entries(realm, null, false).keySet());
      synchronized (settings) {
        keys.addAll(settings.keySet());
      }
      return new KeyView(keys);
    } catch (ScriptException e) {
      throw unchecked.apply(e);
    }
  }

  /** A snapshot of the keys whose removals write through. */
  private final class KeyView extends AbstractSet<String> {
    private final Set<String> keys;

    KeyView(Set<String> keys) {
      this.keys = keys;
    }

    @Override
    public Iterator<String> iterator() {
      Iterator<String> it = keys.iterator();
      return new Iterator<>() {
        private @Nullable String last;

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public String next() {
          return last = it.next();
        }

        @Override
        public void remove() {
          it.remove();
          RealmBindings.this.remove(Objects.requireNonNull(last));
        }
      };
    }

    @Override
    public int size() {
      return keys.size();
    }
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    Map<String, Object> snap = snapshot();
    List<Map.Entry<String, Object>> entries = new ArrayList<>(snap.size());
    for (Map.Entry<String, Object> e : snap.entrySet()) {
      entries.add(
          new SimpleEntry<>(e.getKey(), e.getValue()) {
            @Override
            public @Nullable Object setValue(@Nullable Object value) {
              super.setValue(value);
              return RealmBindings.this.put(getKey(), value);
            }
          });
    }
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        Iterator<Map.Entry<String, Object>> it = entries.iterator();
        return new Iterator<>() {
          private Map.@Nullable Entry<String, Object> last;

          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Map.Entry<String, Object> next() {
            return last = it.next();
          }

          @Override
          public void remove() {
            it.remove();
            RealmBindings.this.remove(Objects.requireNonNull(last).getKey());
          }
        };
      }

      @Override
      public int size() {
        return entries.size();
      }
    };
  }

  @Override
  public void clear() {
    for (String k : new ArrayList<>(keySet())) {
      remove(k);
    }
  }
}
