package dev.qjs.internal.modules;

import java.io.IOException;

/** A path led out of a file tree's root; {@link TreeLoader} reports it for the specifier. */
public final class RootEscapeException extends IOException {
  private static final long serialVersionUID = 1L;

  public RootEscapeException(String message) {
    super(message);
  }
}
