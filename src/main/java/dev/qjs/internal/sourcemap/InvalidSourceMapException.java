package dev.qjs.internal.sourcemap;

/**
 * A source map that cannot be used, with what was wrong with it (bad JSON, a version other than
 * 3, a malformed {@code mappings} string, an index out of range, a bad {@code data:} URL). Checked,
 * so that every caller decides what a broken map means; the registry turns it into one warning.
 *
 * <pre>{@code
 * try {
 *   SourceMap map = SourceMapJson.read(json, "app.js.map");
 * } catch (InvalidSourceMapException e) {
 *   log.warning("ignoring the map: " + e.getMessage()); // "... version 2; only version 3 ..."
 * }
 * }</pre>
 */
public final class InvalidSourceMapException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A map refused for {@code reason}, which says what was wrong and where. */
  public InvalidSourceMapException(String reason) {
    super(reason);
  }

  /** A map refused for {@code reason}, found while {@code cause} was thrown. */
  public InvalidSourceMapException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
