package dev.qjs;

import java.util.Map;

/**
 * A module that Java publishes for scripts to import: {@code import { lookup } from
 * 'host:prices'} (or {@code require('host:prices')}). Its exports are exactly the entries of
 * {@link #exports()}, converted with the same rules as values put into the engine: a functional
 * interface becomes a function, a {@code Map} an object, a string a string. A script reaches
 * nothing else through it.
 *
 * <pre>{@code
 * HostModule prices = HostModule.of("prices", Map.of(
 *     "lookup", (Function<String, Double>) sku -> catalog.priceOf(sku),
 *     "currency", "EUR"));
 * ScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(
 *     QuickJsOptions.builder().hostModule(prices).build());
 * }</pre>
 *
 * <p>Modules can also be published for every engine of a process: implement this interface in a
 * class with a public no-argument constructor and list it in {@code
 * META-INF/services/dev.qjs.HostModule}; {@link java.util.ServiceLoader} finds it (see {@link
 * QuickJsOptions.Builder#discoverHostModules(boolean)}).
 */
public interface HostModule {
  /**
   * The module's name: scripts import it as {@code "host:" + name()}. Letters, digits and
   * {@code . _ - /}.
   */
  String name();

  /** The exports, by name; read when a script first imports the module in a realm. */
  Map<String, ?> exports();

  /** A host module with fixed exports. */
  static HostModule of(String name, Map<String, ?> exports) {
    java.util.Objects.requireNonNull(name, "name");
    Map<String, ?> copy = Map.copyOf(exports);
    return new HostModule() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Map<String, ?> exports() {
        return copy;
      }

      @Override
      public String toString() {
        return "HostModule[host:" + name + "]";
      }
    };
  }
}
