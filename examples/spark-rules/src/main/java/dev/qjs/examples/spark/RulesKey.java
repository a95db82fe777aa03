package dev.qjs.examples.spark;

import dev.qjs.BytecodeKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The key that authenticates the shipped rules: the driver signs the compiled rules with it and
 * every executor checks them with it, so the same key file must be on the driver and on every
 * executor (a secret mounted by the cluster manager; see docs/spark.md). It is read from the file
 * named by the system property {@value #PROPERTY}, else the environment variable {@value #ENV},
 * else {@code ~/.config/order-rules/bytecode.key}; a file that does not exist is created with a new
 * random key, readable by its owner only.
 *
 * <pre>{@code
 * spark-submit --conf spark.driver.extraJavaOptions=-Dorder.rules.keyFile=/run/secrets/rules.key \
 *              --conf spark.executor.extraJavaOptions=-Dorder.rules.keyFile=/run/secrets/rules.key ...
 * }</pre>
 */
public final class RulesKey {
  /** The system property naming the key file. */
  public static final String PROPERTY = "order.rules.keyFile";
  /** The environment variable naming the key file when the property is not set. */
  public static final String ENV = "ORDER_RULES_KEY_FILE";

  private RulesKey() {}

  /** Where this JVM reads the key from. */
  public static Path file() {
    String named = System.getProperty(PROPERTY);
    if (named == null || named.isEmpty()) {
      named = System.getenv(ENV);
    }
    if (named != null && !named.isEmpty()) {
      return Path.of(named);
    }
    return Path.of(System.getProperty("user.home"), ".config", "order-rules", "bytecode.key");
  }

  /** This JVM's key (the file is created with a new key when it does not exist). */
  public static BytecodeKey load() {
    Path file = file();
    try {
      return BytecodeKey.fromFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the rules' key from " + file + ": " + e.getMessage(), e);
    }
  }
}
