package dev.qjs.internal.sourcemap;

/**
 * A source map that cannot be used, with what was wrong with it (bad JSON, a version other than
 * 3, a malformed {@code mappings} string, an index out of range, a bad {@code data:} URL). Checked,
 * so that every caller decides what a broken map means; the registry turns it into one warning.
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
