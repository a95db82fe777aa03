package dev.qjs.internal.async;

import dev.qjs.internal.runtime.JsHandle;
import dev.qjs.internal.runtime.Realm;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous side of one runtime: timers, Java futures that scripts await, and promises
 * that Java awaits.
 *
 * <p>Design: nothing asynchronous runs JavaScript on a thread the user did not give us. One
 * shared daemon thread keeps the time of every engine's timers and never runs scripts; a shared
 * pool of daemon threads runs each engine's due work (a timer callback, a Java future that
 * completed) through the engine's own serial queue, in order, under the engine's lock, as any
 * other call would. A Java future completing on some thread only enqueues; the thread that
 * completed it never enters the engine. JavaScript promises seen by Java complete their
 * {@link PromiseFuture} after the engine's lock is released, on the thread that ran the engine,
 * so Java continuations never run inside a script.
 *
 * <p>Long-lived references from the shared threads (the timer thread, callbacks registered on
 * Java futures) are weak: an engine nobody uses any more is collected with its pending timers.
 * Used under the runtime's lock except where a method says otherwise.
 */
public final class EventLoop {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ScheduledThreadPoolExecutor CLOCK = clock();
  private static final ExecutorService WORKERS =
      Executors.newCachedThreadPool(daemon("quickjs-async-"));

  private final AsyncBridge bridge;
  private final SerialQueue queue = new SerialQueue();
  private final WeakReference<EventLoop> self = new WeakReference<>(this);

  /** Timers by realm and id. */
  private final Map<TimerKey, Timer> timers = new HashMap<>();
  /** JavaScript promises Java holds, waiting for their settlement, by watch id. */
  private final Map<Long, PromiseFuture> watched = new HashMap<>();
  /** Promises decoded during the current call, watched when it ends. */
  private final ArrayDeque<PromiseFuture> toWatch = new ArrayDeque<>();
  /**
   * The resolving functions (and realm) of the promises made for each Java future, by future id:
   * one promise per realm while the future is pending.
   */
  private final Map<Long, List<long[]>> bound = new HashMap<>();
  /** Pending Java futures handed to JavaScript, and their ids: the same future, the same id. */
  private final java.util.IdentityHashMap<CompletionStage<?>, Long> stageIds =
      new java.util.IdentityHashMap<>();
  private final Map<Long, CompletionStage<?>> stagesById = new HashMap<>();
  /** Completions of PromiseFutures, run outside the lock (any thread may add). */
  private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
  private long nextId;
  private boolean closed;

  EventLoop(AsyncBridge bridge) {
    this.bridge = bridge;
  }

  private static ScheduledThreadPoolExecutor clock() {
    ScheduledThreadPoolExecutor clock = new ScheduledThreadPoolExecutor(1, daemon("quickjs-timers-"));
    clock.setRemoveOnCancelPolicy(true);
    clock.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return clock;
  }

  private static ThreadFactory daemon(String prefix) {
    return r -> {
      Thread t = new Thread(r, prefix + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ------------------------------------------------------------------ promises seen by Java

  /** A JavaScript promise reaching Java: a future, watched when the current call ends. */
  public PromiseFuture promise(JsHandle handle) {
    PromiseFuture f = new PromiseFuture(handle);
    if (closed) {
      f.completeExceptionally(closedError());
    } else {
      toWatch.add(f);
    }
    return f;
  }

  /** The settlement of a watched promise, reported by its reaction during some call. */
  public void settled(long id, boolean rejected, @Nullable Object valueOrError) {
    PromiseFuture f = watched.remove(id);
    if (f != null) {
      complete(f, rejected, valueOrError);
    }
  }

  private void complete(PromiseFuture f, boolean rejected, @Nullable Object valueOrError) {
    if (rejected) {
      Throwable t = (Throwable) valueOrError;
      completions.add(() -> f.completeExceptionally(t));
    } else {
      completions.add(() -> f.complete(valueOrError));
    }
  }

  // ------------------------------------------------------------------ Java futures seen by JS

  /**
   * The id of a Java future handed to JavaScript (the same id each time while it is pending, so
   * a realm sees one promise for it); its promises are settled when it completes.
   */
  public long stage(CompletionStage<?> stage) {
    Long known = stageIds.get(stage);
    if (known != null) {
      return known;
    }
    long id = ++nextId;
    stageIds.put(stage, id);
    stagesById.put(id, stage);
    WeakReference<EventLoop> ref = self;
    stage.whenComplete(
        (value, error) -> {
          EventLoop loop = ref.get();
          if (loop != null) {
            loop.queue.submit(() -> loop.settleStage(id, value, error));
          }
        });
    return id;
  }

  /** On a worker: enters the engine and settles the promise made for future `id`. */
  private void settleStage(long id, Object value, Throwable error) {
    bridge.settleJavaFuture(id, value, error);
  }

  /**
   * Forgets future `id` (it completed) and gives the resolving functions of each promise made
   * for it, with their realms (empty: none).
   */
  List<long[]> takeBound(long id) {
    CompletionStage<?> stage = stagesById.remove(id);
    if (stage != null) {
      stageIds.remove(stage);
    }
    List<long[]> all = bound.remove(id);
    return all != null ? all : List.of();
  }

  void bind(long id, long handle, long realm) {
    bound.computeIfAbsent(id, k -> new ArrayList<>(1)).add(new long[] {handle, realm});
  }

  // ------------------------------------------------------------------ timers

  public void schedule(Realm realm, long id, double delayMs, boolean repeat) {
    if (closed) {
      return;
    }
    TimerKey key = new TimerKey(realm.pointer(), id);
    Timer timer = new Timer(realm, id, repeat);
    long micros = (long) Math.ceil(delayMs * 1000);
    TimerTick tick = new TimerTick(self, key, timer);
    timer.future =
        repeat
            ? CLOCK.scheduleWithFixedDelay(tick, micros, micros, TimeUnit.MICROSECONDS)
            : CLOCK.schedule(tick, micros, TimeUnit.MICROSECONDS);
    Timer stale = timers.put(key, timer);
    if (stale != null) {
      stale.future.cancel(false); // a freed realm's timer whose address and id came back
    }
  }

  public void cancel(Realm realm, long id) {
    Timer timer = timers.remove(new TimerKey(realm.pointer(), id));
    if (timer != null) {
      timer.future.cancel(false);
    }
  }

  /** The realm at this address was freed: its timers go with it. */
  public void forgetRealm(long realmPointer) {
    timers.values().removeIf(t -> {
      if (t.realmPointer == realmPointer) {
        t.future.cancel(false);
        return true;
      }
      return false;
    });
  }

  /** The timer thread's task: only enqueues the firing on the engine's queue. */
  private static final class TimerTick implements Runnable {
    private final WeakReference<EventLoop> loop;
    private final TimerKey key;
    private final Timer timer;

    TimerTick(WeakReference<EventLoop> loop, TimerKey key, Timer timer) {
      this.loop = loop;
      this.key = key;
      this.timer = timer;
    }

    @Override
    public void run() {
      EventLoop l = loop.get();
      if (l == null || timer.realm.get() == null) {
        // the engine, or the realm (its bindings dropped), is gone: stop a repeating timer
        throw new IllegalStateException("timer's engine or realm collected");
      }
      l.queue.submitTimer(key, () -> l.fire(key, timer));
    }
  }

  /** On a worker: runs the timer in its realm. */
  private void fire(TimerKey key, Timer timer) {
    bridge.fireTimer(key, timer);
  }

  /**
   * The realm to fire the timer in (a one-shot timer is forgotten), or null when the timer was
   * cleared or replaced, or its realm was collected.
   */
  @Nullable Realm timerToFire(TimerKey key, Timer timer) {
    if (timers.get(key) != timer) {
      return null;
    }
    Realm realm = timer.realm.get();
    if (realm == null || !timer.repeat) {
      timers.remove(key);
      if (realm == null) {
        timer.future.cancel(false);
      }
    }
    return realm;
  }

  int timerCount() {
    return timers.size();
  }

  record TimerKey(long realm, long id) {}

  /**
   * A scheduled timer. Its realm is held weakly: a timer set in bindings nobody holds any more
   * stops when they are collected, instead of keeping them alive for ever.
   */
  static final class Timer {
    final WeakReference<Realm> realm;
    final long realmPointer;
    final long id;
    final boolean repeat;
    @SuppressWarnings("NullAway.Init") // set by schedule() right after construction, before any use
    ScheduledFuture<?> future;

    Timer(Realm realm, long id, boolean repeat) {
      this.realm = new WeakReference<>(realm);
      this.realmPointer = realm.pointer();
      this.id = id;
      this.repeat = repeat;
    }
  }

  // ------------------------------------------------------------------ the end of each call

  /**
   * At the end of the outermost call, under the lock: watches the promises Java received (each
   * watch may run jobs that settle or reveal more).
   */
  void endOfCall(long rt) {
    int guard = 0;
    for (PromiseFuture f; (f = toWatch.poll()) != null; ) {
      if (closed) {
        f.completeExceptionally(closedError());
        continue;
      }
      long id = ++nextId;
      bridge.watch(rt, f, id);
      if (++guard > 1_000_000) {
        break;
      }
    }
  }

  /** Records a pending watch. */
  void watching(long id, PromiseFuture f) {
    watched.put(id, f);
  }

  void completeNow(PromiseFuture f, boolean rejected, @Nullable Object valueOrError) {
    complete(f, rejected, valueOrError);
  }

  /**
   * Runs the completions queued so far; call without holding the lock. On a thread that is
   * working through this engine's queue (a timer firing, a Java future settling), they are
   * handed to another worker instead: a dependent stage that blocks, say on another promise of
   * this engine, must not hold up the timers and futures that would settle it (nor the
   * completions that would release it, so they are not serialized either).
   */
  public void runCompletions() {
    if (completions.isEmpty()) {
      return;
    }
    if (queue.isDrainingOnThisThread()) {
      WORKERS.execute(this::runCompletionsHere);
    } else {
      runCompletionsHere();
    }
  }

  private void runCompletionsHere() {
    for (Runnable r; (r = completions.poll()) != null; ) {
      r.run();
    }
  }

  /** Closing the engine: timers stop, Java waits no longer for promises that cannot settle. */
  public void close() {
    closed = true;
    for (Timer t : timers.values()) {
      t.future.cancel(false);
    }
    timers.clear();
    List<PromiseFuture> waiting = new ArrayList<>(watched.values());
    waiting.addAll(toWatch);
    watched.clear();
    toWatch.clear();
    bound.clear();
    stageIds.clear();
    stagesById.clear();
    queue.clear();
    for (PromiseFuture f : waiting) {
      completions.add(() -> f.completeExceptionally(closedError()));
    }
  }

  boolean isClosed() {
    return closed;
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("the QuickJS engine was closed before the promise settled");
  }

  /**
   * Work for one engine, run in order on the shared pool, one task at a time. A repeating timer
   * has at most one firing waiting, so a slow callback never piles up ticks.
   */
  private static final class SerialQueue {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The queue the current thread is draining, if any. */
    private static final ThreadLocal<SerialQueue> DRAINING = new ThreadLocal<>();
    private final java.util.Set<TimerKey> waitingTimers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void submit(Runnable task) {
      tasks.add(task);
      kick();
    }

    void submitTimer(TimerKey key, Runnable task) {
      if (waitingTimers.add(key)) {
        tasks.add(() -> {
          waitingTimers.remove(key);
          task.run();
        });
        kick();
      }
    }

    void clear() {
      tasks.clear();
      waitingTimers.clear();
    }

    private void kick() {
      if (scheduled.compareAndSet(false, true)) {
        WORKERS.execute(this::drain);
      }
    }

    boolean isDrainingOnThisThread() {
      return DRAINING.get() == this;
    }

    private void drain() {
      DRAINING.set(this);
      try {
        for (Runnable r; (r = tasks.poll()) != null; ) {
          try {
            r.run();
          } catch (RuntimeException | Error e) {
            // reported by the task itself where it matters; never stop the queue
          }
        }
      } finally {
        DRAINING.remove();
        scheduled.set(false);
        if (!tasks.isEmpty()) {
          kick();
        }
      }
    }
  }
}
