package dev.qjs;

import java.util.Map;
import java.util.function.Function;

/**
 * A host module published through {@code META-INF/services/dev.qjs.HostModule} in the test
 * resources, for ModulesTest's discovery tests: scripts import it as {@code host:test-discovered}.
 */
public final class DiscoveredHostModule implements HostModule {
  public static final String NAME = "test-discovered";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, ?> exports() {
    return Map.of(
        "greet", (Function<String, String>) who -> "hello " + who,
        "origin", "ServiceLoader");
  }
}
