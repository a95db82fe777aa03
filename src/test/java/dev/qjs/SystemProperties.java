package dev.qjs;

/**
 * Runs test code with a system property set, and puts the property back as it was afterwards
 * (also when the code fails).
 *
 * <pre>{@code
 * SystemProperties.with("quickjs.debug.evaluationLimit", "300", () -> { ... });
 * }</pre>
 */
public final class SystemProperties {
  private SystemProperties() {}

  /** Code that may throw anything a test may. */
  public interface Action {
    void run() throws Exception;
  }

  /** Runs {@code action} with {@code key} set to {@code value}. */
  public static void with(String key, String value, Action action) throws Exception {
    String before = System.getProperty(key);
    System.setProperty(key, value);
    try {
      action.run();
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }
}
