package dev.qjs.internal.runtime;

import dev.qjs.internal.async.EventLoop;
import dev.qjs.internal.async.PromiseFuture;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.References;
import dev.qjs.internal.interop.HostObjects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The references of one runtime's value encoding: JavaScript values held by Java through an
 * owned {@link JsHandle} (given back to the runtime through the cleaner when unreachable) and
 * shown as mirrors, Java objects held by JavaScript ({@link HostObjects}), Java futures awaited
 * by JavaScript ({@link EventLoop}). Used under the runtime's lock.
 */
final class Handles implements References {
  private final JsRuntime runtime;
  private final NativeState state;
  private final MirrorFactory mirrors;
  private final HostObjects hosts;
  private final EventLoop loop;

  Handles(JsRuntime runtime, NativeState state, MirrorFactory mirrors, HostObjects hosts, EventLoop loop) {
    this.runtime = runtime;
    this.state = state;
    this.mirrors = mirrors;
    this.hosts = hosts;
    this.loop = loop;
  }

  /** A new owned handle; the cleaner queues its pointer for freeing when it becomes unreachable. */
  // realm is null only for a value read after its realm was collected (an unhandled rejection
  // reported late): such a handle is reported and freed, never used to call into its realm
  @SuppressWarnings("NullAway")
  JsHandle newHandle(@Nullable Realm realm, long pointer, long identity, int kind) {
    JsHandle h = new JsHandle(runtime, realm, pointer, identity, kind);
    NativeState queue = state;
    AtomicInteger live = state.liveHandles;
    live.incrementAndGet();
    JsRuntime.CLEANER.register(
        h,
        () -> {
          live.decrementAndGet();
          queue.queueHandle(pointer);
        });
    return h;
  }

  /** The handle behind a mirror or promise future of this runtime; null for any other value. */
  @Nullable JsHandle handle(@Nullable Object value) {
    JsHandle h =
        value instanceof JsHandle jh
            ? jh
            : value instanceof PromiseFuture pf ? pf.handle() : mirrors.handleOf(value);
    return h != null && h.runtime() == runtime ? h : null;
  }

  @Override
  public long handleOf(Object v) {
    JsHandle h = handle(v);
    return h != null ? h.pointer() : 0;
  }

  @Override
  public long futureId(CompletionStage<?> stage) {
    return loop.stage(stage);
  }

  @Override
  public int hostId(Object v) {
    return hosts.acquire(v);
  }

  @Override
  public Object host(int id) {
    return hosts.get(id);
  }

  @Override
  public Object jsValue(@Nullable Realm realm, long pointer, long identity, int kind) {
    JsHandle h = newHandle(realm, pointer, identity, kind);
    switch (kind) {
      case QuickJsNative.KIND_ARRAY:
        return mirrors.array(h);
      case QuickJsNative.KIND_FUNCTION:
        return mirrors.function(h);
      case QuickJsNative.KIND_SYMBOL:
        return mirrors.symbol(h);
      case QuickJsNative.KIND_BYTECODE:
        return h;
      case QuickJsNative.KIND_PROMISE:
        return loop.promise(h);
      default:
        return mirrors.object(h);
    }
  }
}
