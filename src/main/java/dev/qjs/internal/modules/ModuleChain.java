package dev.qjs.internal.modules;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Loaders asked in order ({@link ModuleLoader#orElse}): the first that resolves a specifier
 * wins, and loads the ids it resolved. A {@link ModuleNotFoundException} from one loader does
 * not stop the others; the first is thrown, the later ones suppressed in it, when none resolves.
 */
public final class ModuleChain implements ModuleLoader {
  /** Bounds the ids remembered; past it, an id is loaded by asking each loader in turn. */
  private static final int MAX_REMEMBERED_IDS = 65_536;

  private final List<ModuleLoader> loaders;
  private final ConcurrentHashMap<String, ModuleLoader> resolvedBy = new ConcurrentHashMap<>();

  private ModuleChain(List<ModuleLoader> loaders) {
    this.loaders = List.copyOf(loaders);
  }

  /** {@code first} then {@code next}, chains flattened. */
  public static ModuleChain of(ModuleLoader first, ModuleLoader next) {
    List<ModuleLoader> all = new ArrayList<>();
    for (ModuleLoader l : List.of(Objects.requireNonNull(first, "first"), Objects.requireNonNull(next, "next"))) {
      if (l instanceof ModuleChain) {
        all.addAll(((ModuleChain) l).loaders);
      } else {
        all.add(l);
      }
    }
    return new ModuleChain(all);
  }

  @Override
  public @Nullable String resolve(String specifier, @Nullable String referrer, Kind kind) throws IOException {
    TreeLoader.check(specifier, referrer);
    ModuleNotFoundException first = null;
    for (ModuleLoader loader : loaders) {
      String id;
      try {
        id = loader.resolve(specifier, referrer, kind);
      } catch (ModuleNotFoundException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
        continue;
      }
      if (id != null) {
        if (resolvedBy.size() < MAX_REMEMBERED_IDS) {
          resolvedBy.put(id, loader);
        }
        return id;
      }
    }
    if (first != null) {
      throw first;
    }
    return null;
  }

  @Override
  public @Nullable ModuleSource load(String id) throws IOException {
    ModuleLoader owner = resolvedBy.get(id);
    if (owner != null) {
      ModuleSource source = owner.load(id);
      if (source != null) {
        return source;
      }
    }
    for (ModuleLoader loader : loaders) {
      if (loader != owner) {
        ModuleSource source = loader.load(id);
        if (source != null) {
          return source;
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "ModuleLoader" + loaders;
  }
}
