package dev.qjs.internal.async;

import dev.qjs.internal.runtime.JsHandle;
import java.util.concurrent.CompletableFuture;

/**
 * A JavaScript promise seen from Java: completes with the converted value when the promise is
 * fulfilled, or exceptionally with a {@link dev.qjs.JsException} when it is rejected. Handing it
 * back to JavaScript gives the same promise. Completion happens on the thread that ran the
 * engine, after the engine's lock was released, so dependent stages never run under it.
 */
public final class PromiseFuture extends CompletableFuture<Object> {
  final JsHandle handle;

  PromiseFuture(JsHandle handle) {
    this.handle = handle;
  }

  /** The promise's handle. */
  public JsHandle handle() {
    return handle;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }

  @Override
  public String toString() {
    return "JavaScript Promise (" + super.toString() + ")";
  }
}
