package dev.qjs.internal.modules;

import dev.qjs.HostModule;
import dev.qjs.ModuleLoader;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.ModuleSource;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.ValueWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import javax.script.Bindings;
import org.jspecify.annotations.Nullable;

/**
 * The modules one engine can reach: its {@link ModuleLoader} and its host modules. Answers the
 * shim's module callbacks: resolve a specifier to an id, and load an id as the shim needs it.
 * Host modules are named {@code host:<name>} and always win over loaders.
 *
 * <p>The loader of a call ({@link #loaderFor}) is the options' loader unless the call's
 * ENGINE_SCOPE has the settings {@code quickjs.moduleLoader} or {@code quickjs.moduleRoots} (or
 * the system property {@code quickjs.moduleRoots} is set): then those are asked first, the
 * ENGINE_SCOPE loader before the roots, and the options' loader last.
 */
public final class ModuleRegistry {
  static final String HOST_PREFIX = "host:";
  /** The ENGINE_SCOPE key of a {@link ModuleLoader} asked before the roots and the options' one. */
  public static final String LOADER_KEY = "quickjs.moduleLoader";
  /** Loaders made for settings kept at once; past it, the least recently used is dropped. */
  private static final int KEPT_SETTINGS = 16;

  private final ModuleLoader loader;
  private final List<HostModule> given;
  private final boolean discover;
  private final ClassLoader classLoader;
  private @Nullable Map<String, HostModule> hostModules; // made on first use: discovery reads the class path
  /** Told of every module loaded from a loader, with that loader (the engine's source maps). */
  private volatile java.util.function.BiConsumer<ModuleSource, ModuleLoader> loaded = (s, l) -> { };

  /**
   * A registry over a loader (null: WebJars of the given class loader) and host modules (given
   * first, then, when asked, those ServiceLoader finds).
   */
  public ModuleRegistry(
      @Nullable ModuleLoader loader, List<HostModule> given, boolean discover, ClassLoader classLoader) {
    this.loader = loader != null ? loader : ModuleLoader.webJars(classLoader);
    this.given = List.copyOf(given);
    this.discover = discover;
    this.classLoader = classLoader;
  }

  /** A value of the settings: the ENGINE_SCOPE loader (by identity) and the roots' entries. */
  private static final class Settings {
    private final @Nullable ModuleLoader scoped;
    private final List<String> roots;

    Settings(@Nullable ModuleLoader scoped, List<String> roots) {
      this.scoped = scoped;
      this.roots = roots;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Settings s && s.scoped == scoped && s.roots.equals(roots);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(scoped) * 31 + roots.hashCode();
    }
  }

  /** The loader of each settings value seen lately: made once, so its caches serve every call. */
  private final Map<Settings, ModuleLoader> bySettings =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Settings, ModuleLoader> eldest) {
          return size() > KEPT_SETTINGS;
        }
      };

  /**
   * The loader for a call whose ENGINE_SCOPE is {@code scope}: its {@code quickjs.moduleLoader},
   * then the folders of its {@code quickjs.moduleRoots} (else of the system property of that
   * name), then the options' loader; the options' loader alone when neither is set.
   *
   * @throws IllegalArgumentException naming the setting when its value is not one it accepts
   */
  public ModuleLoader loaderFor(@Nullable Bindings scope) {
    Object scoped = scope == null ? null : scope.get(LOADER_KEY);
    Object roots = scope == null ? null : scope.get(ModuleRoots.KEY);
    String rootsKey = ModuleRoots.KEY;
    if (roots == null) {
      roots = System.getProperty(ModuleRoots.KEY);
      rootsKey = "the system property " + ModuleRoots.KEY;
    }
    if (scoped == null && roots == null) {
      return loader;
    }
    if (scoped != null && !(scoped instanceof ModuleLoader)) {
      throw new IllegalArgumentException(LOADER_KEY + " must be a dev.qjs.ModuleLoader, not "
          + scoped.getClass().getName());
    }
    Settings key = new Settings((ModuleLoader) scoped, ModuleRoots.entries(roots, rootsKey));
    if (key.scoped == null && key.roots.isEmpty()) {
      return loader;
    }
    synchronized (bySettings) {
      ModuleLoader made = bySettings.get(key);
      if (made == null) {
        made = key.roots.isEmpty() ? loader : new ModuleRoots(key.roots, classLoader).orElse(loader);
        if (key.scoped != null) {
          made = key.scoped.orElse(made);
        }
        bySettings.put(key, made);
      }
      return made;
    }
  }

  private synchronized Map<String, HostModule> hostModules() {
    if (hostModules == null) {
      Map<String, HostModule> modules = new LinkedHashMap<>();
      for (HostModule m : given) {
        modules.put(m.name(), m);
      }
      if (discover) {
        try {
          for (HostModule m : ServiceLoader.load(HostModule.class, classLoader)) {
            modules.putIfAbsent(m.name(), m);
          }
        } catch (ServiceConfigurationError e) {
          throw new IllegalStateException(
              "a HostModule listed in META-INF/services could not be loaded: " + e.getMessage(), e);
        }
      }
      hostModules = modules;
    }
    return hostModules;
  }

  /**
   * The id of specifier imported (or required) from referrer (null: a top-level script) through
   * loader (one {@link #loaderFor} gave).
   */
  public String resolve(String specifier, @Nullable String referrer, boolean require, ModuleLoader through)
      throws IOException {
    if (referrer != null && referrer.startsWith("<")) {
      referrer = null; // "<eval>" and the like: a script without a file name
    }
    if (specifier.startsWith(HOST_PREFIX)) {
      Map<String, HostModule> hostModules = hostModules();
      if (hostModules.containsKey(specifier.substring(HOST_PREFIX.length()))) {
        return specifier;
      }
      throw new ModuleNotFoundException(specifier, referrer,
          "no host module is named " + specifier.substring(HOST_PREFIX.length())
              + (hostModules.isEmpty() ? " (this engine has none)" : " (this engine has "
                  + String.join(", ", hostModules.keySet()) + ")"),
          List.of());
    }
    ModuleLoader.Kind kind = require ? ModuleLoader.Kind.REQUIRE : ModuleLoader.Kind.IMPORT;
    try {
      return ModuleLookup.resolve(through, specifier, referrer, kind);
    } catch (ModuleNotFoundException e) {
      // a script's FILENAME ("app.mjs", "report.js") that no loader knows: its relative imports
      // resolve from the loaders' roots, as for a script without a file name
      if (referrer == null || !NO_LOADER.equals(e.reason())) {
        throw withHint(e);
      }
      try {
        return ModuleLookup.resolve(through, specifier, null, kind);
      } catch (ModuleNotFoundException again) {
        throw withHint(e); // the message names the script that asked
      }
    }
  }

  private static final String NO_LOADER = "no module loader knows it";

  /** A path no loader knows: the message says which setting allows folders. */
  private static ModuleNotFoundException withHint(ModuleNotFoundException e) {
    String spec = e.specifier().replace('\\', '/');
    boolean path = spec.startsWith("./") || spec.startsWith("../") || spec.startsWith("/")
        || spec.regionMatches(true, 0, "file:", 0, 5) || spec.equals(".") || spec.equals("..");
    if (!path || !NO_LOADER.equals(e.reason())) {
      return e;
    }
    return new ModuleNotFoundException(e.specifier(), e.referrer(),
        NO_LOADER + ": no folder allows it (set " + ModuleRoots.KEY + ", an ENGINE_SCOPE key or"
            + " system property, to the folders modules may come from, or give the engine a"
            + " module loader)", e.tried());
  }

  /** Sources kept to find an import statement's position when its module is missing. */
  private static final int KEPT_SOURCES = 8;
  private static final int KEPT_SOURCE_MAX_CHARS = 256 << 10;

  private final Map<String, String> sources =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > KEPT_SOURCES;
        }
      };

  /**
   * Keeps the source of a script or module that may import or require others (the last few,
   * each up to 256 Ki characters), so that a missing module's error can name the importing statement.
   */
  /** Tells {@code listener} of every script module loaded from now on (one listener). */
  public void onLoad(java.util.function.BiConsumer<ModuleSource, ModuleLoader> listener) {
    this.loaded = listener;
  }

  public void remember(String id, String source) {
    if (id == null || source.length() > KEPT_SOURCE_MAX_CHARS
        || (!source.contains("import") && !source.contains("require"))) {
      return;
    }
    synchronized (sources) {
      sources.put(id, source);
    }
  }

  /**
   * Where the module or script {@code id} asks for {@code specifier}: the 1-based line and
   * column of the {@code import}/{@code export} statement, the {@code import(} or the
   * {@code require(}; null when its source is not kept or the specifier is not written there as
   * a string literal.
   */
  public int @Nullable [] importSite(@Nullable String id, String specifier) {
    String source;
    synchronized (sources) {
      source = id == null ? null : sources.get(id);
    }
    if (source == null) {
      return null;
    }
    for (char quote : new char[] {'\'', '"', '`'}) {
      String literal = quote + specifier + quote;
      for (int at = source.indexOf(literal); at >= 0; at = source.indexOf(literal, at + 1)) {
        int keyword = statementStart(source, at);
        if (keyword >= 0) {
          int line = 1;
          int lineStart = 0;
          for (int i = 0; i < keyword; i++) {
            if (source.charAt(i) == '\n') {
              line++;
              lineStart = i + 1;
            }
          }
          return new int[] {line, keyword - lineStart + 1};
        }
      }
    }
    return null;
  }

  /**
   * The offset of the keyword that asks for the string literal at {@code literal}: {@code import}
   * or {@code require} just before it ({@code import 'x'}, {@code import('x')},
   * {@code require('x')}), or, after {@code from}, the nearest {@code import}/{@code export}
   * before; -1 when the literal is not a module specifier.
   */
  private static int statementStart(String source, int literal) {
    int i = skipBack(source, literal);
    if (i > 0 && source.charAt(i - 1) == '(') {
      i = skipBack(source, i - 1);
      for (String call : new String[] {"import", "require"}) {
        if (endsWithWord(source, i, call)) {
          return i - call.length();
        }
      }
      return -1;
    }
    if (endsWithWord(source, i, "import")) {
      return i - "import".length();
    }
    if (!endsWithWord(source, i, "from")) {
      return -1;
    }
    int importAt = lastWord(source, "import", i);
    int exportAt = lastWord(source, "export", i);
    return Math.max(importAt, exportAt);
  }

  private static int skipBack(String source, int i) {
    while (i > 0 && Character.isWhitespace(source.charAt(i - 1))) {
      i--;
    }
    return i;
  }

  private static boolean endsWithWord(String source, int end, String word) {
    int start = end - word.length();
    return start >= 0 && source.startsWith(word, start)
        && (start == 0 || !Character.isJavaIdentifierPart(source.charAt(start - 1)));
  }

  private static int lastWord(String source, String word, int before) {
    for (int at = source.lastIndexOf(word, before - word.length()); at >= 0;
        at = source.lastIndexOf(word, at - 1)) {
      if (endsWithWord(source, at + word.length(), word)) {
        return at;
      }
    }
    return -1;
  }

  /**
   * Writes what the shim needs to load module id through the loader that resolved it: [format]
   * then the ES module source, the CommonJS source and its directory, the JSON text, or a host
   * module's export names.
   */
  public void load(String id, ValueWriter w, ModuleLoader through) throws IOException {
    HostModule host = hostModule(id);
    if (host != null) {
      Map<String, ?> exports = host.exports();
      w.u8(QuickJsNative.FORMAT_HOST).i32(exports.size());
      for (String name : exports.keySet()) {
        w.string(name);
      }
      return;
    }
    ModuleSource source = ModuleLookup.load(through, id);
    if (source.format() != ModuleSource.Format.JSON) {
      remember(id, source.text());
      loaded.accept(source, through);
    }
    switch (source.format()) {
      case ESM:
        w.u8(QuickJsNative.FORMAT_ESM).string(source.text());
        break;
      case COMMONJS:
        w.u8(QuickJsNative.FORMAT_COMMONJS).string(source.text()).string(ModuleLookup.directoryOf(id));
        break;
      case JSON:
        w.u8(QuickJsNative.FORMAT_JSON).string(source.text());
        break;
      default:
        throw new IOException("unknown module format " + source.format() + " of " + id);
    }
  }

  /** Writes a host module's exports: [count]([name][value])*. */
  public void exports(String id, ValueWriter w) throws IOException {
    HostModule host = hostModule(id);
    if (host == null) {
      throw new IOException("no host module " + id);
    }
    Map<String, ?> exports = host.exports();
    w.i32(exports.size());
    for (Map.Entry<String, ?> e : exports.entrySet()) {
      w.string(e.getKey()).value(e.getValue());
    }
  }

  private @Nullable HostModule hostModule(String id) {
    return id.startsWith(HOST_PREFIX) ? hostModules().get(id.substring(HOST_PREFIX.length())) : null;
  }
}
