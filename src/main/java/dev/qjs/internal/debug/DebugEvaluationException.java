package dev.qjs.internal.debug;

/** An evaluation in a paused engine failed; the message is what a debug console shows. */
public final class DebugEvaluationException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, for example {@code ReferenceError: x is not defined}
   */
  public DebugEvaluationException(String message) {
    super(message);
  }
}
