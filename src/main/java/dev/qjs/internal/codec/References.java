package dev.qjs.internal.codec;

import dev.qjs.internal.runtime.Realm;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What the value encoding refers to instead of copying, kept by the runtime: JavaScript values by
 * native handle, Java objects by id, Java futures by id. {@link ValueWriter} and {@link
 * ValueReader} ask; the runtime's tables answer. Used under the runtime's lock.
 */
public interface References {
  /** The native handle of v when v is a JavaScript value of this runtime (a mirror, a promise's future), else 0. */
  long handleOf(Object v);

  /** The id of a Java future JavaScript awaits: a promise settled when it completes. */
  long futureId(CompletionStage<?> stage);

  /** The id of a Java object JavaScript is going to hold, with one more count on it. */
  int hostId(Object v);

  /** The Java object JavaScript holds under this id. */
  Object host(int id);

  /** What a JavaScript value held by a new handle is in Java: a mirror, a promise's future, bytecode. */
  Object jsValue(@Nullable Realm realm, long handle, long identity, int kind);
}
