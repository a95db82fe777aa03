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
   *
   * @return the name; {@link QuickJsOptions.Builder#hostModule(HostModule)} accepts 1 to 200 of
   *     those characters
   */
  String name();

  /**
   * The exports, by name; read when a script first imports the module in a realm.
   *
   * @return the exported values by export name; each is converted as a value put into the engine
   */
  Map<String, ?> exports();

  /**
   * A host module with fixed exports.
   *
   * @param name the module's name, imported as {@code "host:" + name}; checked when the module
   *     is given to {@link QuickJsOptions.Builder#hostModule(HostModule)}
   * @param exports the exports by name; copied, so later changes to the map are not seen
   * @return a module whose {@link #exports()} is an unmodifiable copy of {@code exports}
   * @throws NullPointerException when {@code name} or {@code exports} is null, or the map holds
   *     a null key or value
   */
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
