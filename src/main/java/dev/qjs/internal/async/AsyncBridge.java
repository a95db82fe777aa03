package dev.qjs.internal.async;

import com.sun.jna.Pointer;
import dev.qjs.internal.bridge.Mailbox;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.ValueWriter;
import dev.qjs.internal.interop.ThrownValue;
import dev.qjs.internal.runtime.JsRuntime;
import dev.qjs.internal.runtime.Realm;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * Where the {@link EventLoop} meets the runtime: at the end of each outermost call, binds the
 * promises made for Java futures, watches the promises Java received and reports rejections
 * nothing handled; on the loop's workers, fires timers and settles the promises of completed
 * Java futures, each under the runtime's lock like any other call; reports uncaught errors.
 */
public final class AsyncBridge {
  private final JsRuntime runtime;
  private final Mailbox mailbox;
  private final EventLoop loop;
  /** Receives uncaught script errors; null: the context's error writer. */
  private final @Nullable Consumer<? super dev.qjs.JsException> uncaughtHandler;

  public AsyncBridge(JsRuntime runtime, Mailbox mailbox, @Nullable Consumer<? super dev.qjs.JsException> uncaught) {
    this.runtime = runtime;
    this.mailbox = mailbox;
    this.uncaughtHandler = uncaught;
    this.loop = new EventLoop(this);
  }

  /** Timers, Java futures awaited by scripts, promises awaited by Java. */
  public EventLoop loop() {
    return loop;
  }

  /**
   * The end of an outermost call: publishes the promises made for Java futures, watches the
   * promises Java received, and reports rejections nothing handled.
   */
  public void endOfCall(long rt) {
    try {
      readBound();
      loop.endOfCall(rt);
      readBound();
      if (mailbox.get(QuickJsNative.MB_UNHANDLED) > 0) {
        takeUnhandled(rt);
      }
    } catch (RuntimeException | Error e) {
      // the call's own result or exception goes to the caller; this bookkeeping never replaces it
    }
  }

  private void readBound() {
    int n = (int) mailbox.get(QuickJsNative.MB_BOUND_COUNT);
    if (n <= 0) {
      return;
    }
    long[] triples = new Pointer(mailbox.get(QuickJsNative.MB_BOUND_PTR)).getLongArray(0, 3 * n);
    mailbox.put(QuickJsNative.MB_BOUND_COUNT, 0);
    for (int i = 0; i < n; i++) {
      loop.bind(triples[3 * i], triples[3 * i + 1], triples[3 * i + 2]);
    }
  }

  /** Watches a promise Java received (under the lock, between calls). */
  void watch(long rt, PromiseFuture f, long id) {
    Realm realm = f.handle().realm();
    int rc = QuickJsNative.qjs_promise_watch(rt, realm.pointer(), f.handle().pointer(), id);
    if (rc == QuickJsNative.PENDING) {
      loop.watching(id, f);
    } else if (rc == QuickJsNative.OK) {
      loop.completeNow(f, false, runtime.values().read(mailbox.output(), realm));
    } else if (rc == QuickJsNative.EXCEPTION) {
      loop.completeNow(f, true, runtime.errors().read(mailbox.output(), realm, null));
    } else {
      loop.completeNow(f, true, new IllegalStateException(
          "QuickJS could not watch the promise (native memory exhausted)"));
    }
  }

  private void takeUnhandled(long rt) {
    if (QuickJsNative.qjs_unhandled_take(rt) != QuickJsNative.OK) {
      return;
    }
    ByteBuffer out = mailbox.output();
    int n = out.getInt();
    int notShown = out.getInt();
    List<ScriptException> errors = new ArrayList<>(n);
    List<String> labels = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Realm realm = runtime.realmAt(out.getLong());
      labels.add(out.get() == 1 ? "Uncaught (in a queueMicrotask callback)" : "Uncaught (in promise)");
      errors.add(runtime.errors().readRejection(out, realm));
    }
    for (int i = 0; i < n; i++) {
      reportUncaught(errors.get(i), labels.get(i));
    }
    if (notShown > 0) {
      reportUncaught(runtime.errors().report(String.format(Locale.ROOT,
          "... and %,d more rejections that no handler took in the same call (only the first %d are reported)",
          notShown, n)), "Uncaught (in promise)");
    }
  }

  /** Hands a script error nothing caught to the handler, else the context's error writer. */
  private void reportUncaught(ScriptException e, String what) {
    try {
      if (uncaughtHandler != null && e instanceof dev.qjs.JsException js) {
        uncaughtHandler.accept(js);
        return;
      }
      Writer err = runtime.currentContext().getErrorWriter();
      if (err != null) {
        String stack = e instanceof dev.qjs.JsException js ? js.getJsStack() : null;
        err.write(what + " " + e.getMessage()
            + (stack != null && !stack.isEmpty() ? System.lineSeparator() + stack.stripTrailing() : "")
            + System.lineSeparator());
        err.flush();
      }
    } catch (IOException | RuntimeException ignored) {
      // a failing handler or writer must not break the engine
    }
  }

  /** On the event loop's worker: runs a due timer's callback in its realm. */
  void fireTimer(EventLoop.TimerKey key, EventLoop.Timer timer) {
    try {
      runtime.locked(null, false, () -> {
        Realm realm = loop.timerToFire(key, timer);
        long rt = runtime.nativeRuntime();
        if (realm == null || rt == 0) {
          return null;
        }
        int rc = QuickJsNative.qjs_timer_fire(rt, realm.pointer(), timer.id);
        if (rc == QuickJsNative.EXCEPTION) {
          reportUncaught(runtime.errors().read(mailbox.output(), realm, null), "Uncaught (in a timer callback)");
        }
        return null;
      });
    } catch (ScriptException | NoSuchMethodException | IllegalStateException e) {
      // a closed engine: its timers are gone
    }
  }

  /** On the event loop's worker: settles the promises made for a Java future that completed. */
  void settleJavaFuture(long id, Object value, Throwable error) {
    try {
      runtime.locked(null, false, () -> {
        List<long[]> bindings = loop.takeBound(id);
        long rt = runtime.nativeRuntime();
        for (long[] bound : bindings) {
          if (rt == 0) {
            break;
          }
          Realm realm = runtime.realmAt(bound[1]);
          if (realm == null) {
            QuickJsNative.qjs_handles_free(rt, new long[] {bound[0]}, 1);
            continue;
          }
          ValueWriter w = runtime.request();
          writeSettlement(w, value, error);
          int rc = QuickJsNative.qjs_promise_settle(rt, realm.pointer(), bound[0], w.address(), w.length());
          if (rc == QuickJsNative.EXCEPTION) {
            reportUncaught(runtime.errors().read(mailbox.output(), realm, null), "Uncaught");
          }
        }
        return null;
      });
    } catch (ScriptException | NoSuchMethodException | IllegalStateException e) {
      // a closed engine: nothing waits any more
    }
  }

  /**
   * [SETTLE_FULFIL][value] for a value; [SETTLE_REJECT][thrown JS value] or
   * [SETTLE_THROWABLE][host id][message] for a failure.
   */
  private void writeSettlement(ValueWriter w, Object value, Throwable error) {
    if (error == null) {
      w.u8(QuickJsNative.SETTLE_FULFIL).value(value);
      return;
    }
    Throwable t = error;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    Object js = ThrownValue.of(t, runtime.references());
    if (js != null) {
      ThrownValue.write(w.u8(QuickJsNative.SETTLE_REJECT), js);
    } else {
      String m = t.getMessage();
      w.u8(QuickJsNative.SETTLE_THROWABLE).i32(runtime.references().hostId(t)).string(m != null ? m : t.getClass().getName());
    }
  }
}
