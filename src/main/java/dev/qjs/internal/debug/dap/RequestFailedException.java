package dev.qjs.internal.debug.dap;

/** A request cannot be answered (a missing or mistyped argument, a stale id): an error response. */
final class RequestFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  RequestFailedException(String message) {
    super(message);
  }
}
