package dev.qjs.internal.modules;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The engine's side of a {@link ModuleLoader}: resolve or fail, load or fail, with the checks
 * that make any loader's answer safe to hand to QuickJS (no empty id, no NUL in an id, a source
 * for the id that was asked for).
 */
public final class ModuleLookup {
  private ModuleLookup() {}

  /**
   * The id {@code loader} resolves {@code specifier} to.
   *
   * @throws ModuleNotFoundException when no loader knows it, or one refuses it
   * @throws IOException when a loader fails otherwise, or answers with an unusable id
   */
  public static String resolve(
      ModuleLoader loader, String specifier, @Nullable String referrer, ModuleLoader.Kind kind)
      throws IOException {
    Objects.requireNonNull(loader, "loader");
    TreeLoader.check(specifier, referrer);
    String id = loader.resolve(specifier, referrer, kind);
    if (id == null) {
      throw new ModuleNotFoundException(specifier, referrer, "no module loader knows it", List.of());
    }
    if (id.isEmpty() || id.indexOf('\0') >= 0) {
      throw new IOException(
          "The module loader " + loader + " resolved '" + specifier + "' to an id that is empty or holds NUL");
    }
    return id;
  }

  /**
   * The directory part of an id, for CommonJS's {@code __dirname}: everything before its last
   * {@code /} (or backslash, in a Windows path); {@code ""} for an id with neither.
   */
  public static String directoryOf(String id) {
    int cut = Math.max(id.lastIndexOf('/'), id.lastIndexOf('\\'));
    return cut < 0 ? "" : id.substring(0, cut);
  }

  /**
   * The source of the module {@code id}.
   *
   * @throws IOException when no loader has it, or it cannot be read
   */
  public static ModuleSource load(ModuleLoader loader, String id) throws IOException {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(id, "id");
    ModuleSource source = loader.load(id);
    if (source == null) {
      throw new IOException("No module loader has the source of " + id + ", which one of them resolved");
    }
    return source;
  }
}
