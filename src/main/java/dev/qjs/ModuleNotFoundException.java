package dev.qjs;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A module specifier could not be resolved: no such file, a package that does not export the
 * subpath, a path that escapes a loader's root, or a specifier that is not valid. The message
 * names the specifier, the importing module and, where there were some, the candidates tried.
 *
 * <pre>{@code
 * try {
 *   loader.resolve("./missing.js", "/app/scripts/main.js", ModuleLoader.Kind.IMPORT);
 * } catch (ModuleNotFoundException e) {
 *   e.getMessage();  // Cannot find module './missing.js' imported from /app/scripts/main.js:
 *                    // no such file (tried /app/scripts/missing.js, …)
 *   e.specifier();   // "./missing.js"
 *   e.tried();       // [/app/scripts/missing.js, /app/scripts/missing.js.js, …]
 * }
 * }</pre>
 *
 * <p>A {@link ModuleLoader} throws it when a specifier is recognisably its own but cannot be
 * resolved, and returns null when the specifier is simply not its business; the engine turns it
 * into a {@code ScriptException} for the script that imported or required the module.
 */
public final class ModuleNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_SHOWN_CHARS = 200;
  private static final int MAX_SHOWN_TRIED = 12;

  /** The specifier as written in the importing module. */
  private final String specifier;
  /** The id of the importing module; null for a top-level script. */
  private final @Nullable String referrer;
  /** Why resolution failed, as a short clause. */
  private final String reason;
  /** The candidate ids tried, in order; unmodifiable. */
  private final List<String> tried;

  /**
   * A failure to resolve {@code specifier} imported from {@code referrer} (null for a top-level
   * script) because of {@code reason} (a short clause such as {@code "no such file"}), after
   * trying the candidate ids in {@code tried} (may be empty). The message is made from these;
   * long values and control characters are shortened and escaped in it, not in the accessors.
   *
   * @param specifier the specifier as written in the importing module
   * @param referrer the id of the importing module, or null for a top-level script
   * @param reason why it failed, a short clause without the specifier or referrer
   * @param tried the candidate ids tried, in order; copied
   * @throws NullPointerException when {@code specifier}, {@code reason} or {@code tried} is null,
   *     or {@code tried} holds null
   */
  public ModuleNotFoundException(
      String specifier, @Nullable String referrer, String reason, List<String> tried) {
    super(message(specifier, referrer, reason, tried));
    this.specifier = Objects.requireNonNull(specifier, "specifier");
    this.referrer = referrer;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.tried = List.copyOf(tried);
  }

  /**
   * The specifier as written in the importing module.
   *
   * @return the specifier, never null
   */
  public String specifier() {
    return specifier;
  }

  /**
   * The id of the importing module.
   *
   * @return the referrer's id; null for a top-level script
   */
  public @Nullable String referrer() {
    return referrer;
  }

  /**
   * Why it failed, without the specifier and referrer: {@code "no such file"}, …
   *
   * @return the reason given to the constructor, never null
   */
  public String reason() {
    return reason;
  }

  /**
   * The candidate ids tried, in order.
   *
   * @return an unmodifiable list, all of them (the message shows at most 12); empty when
   *     nothing was looked up
   */
  public List<String> tried() {
    return tried;
  }

  private static String message(
      String specifier, @Nullable String referrer, String reason, List<String> tried) {
    StringBuilder b = new StringBuilder("Cannot find module '").append(shown(specifier)).append('\'');
    b.append(referrer == null ? " imported from a top-level script" : " imported from " + shown(referrer));
    b.append(": ").append(reason);
    if (!tried.isEmpty()) {
      b.append(" (tried ");
      for (int i = 0; i < tried.size() && i < MAX_SHOWN_TRIED; i++) {
        b.append(i == 0 ? "" : ", ").append(shown(tried.get(i)));
      }
      if (tried.size() > MAX_SHOWN_TRIED) {
        b.append(", … ").append(tried.size() - MAX_SHOWN_TRIED).append(" more");
      }
      b.append(')');
    }
    return b.toString();
  }

  /** A specifier or id fit for a message: control characters escaped, long ones cut. */
  private static String shown(String s) {
    StringBuilder b = new StringBuilder();
    int n = Math.min(s.length(), MAX_SHOWN_CHARS);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > n) {
      b.append("… (").append(s.length()).append(" chars)");
    }
    return b.toString();
  }
}
