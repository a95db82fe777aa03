package dev.qjs.internal.debug.dap;

/** A client's bytes are not a protocol message (framing or JSON): the client is dropped. */
final class MalformedMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedMessageException(String message) {
    super(message);
  }
}
