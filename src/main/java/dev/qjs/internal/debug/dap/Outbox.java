package dev.qjs.internal.debug.dap;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The messages to one client, written by a thread of its own through a bounded queue, so that a
 * client that stops reading never blocks anyone who sends: when the queue is full, {@code
 * overflow} runs (the session drops the client) and the message is lost.
 */
final class Outbox {
  /** Messages that may wait for a slow client before it is dropped. */
  static final int CAPACITY = 4096;

  /** Characters of JSON that may wait for a slow client before it is dropped. */
  static final long MAX_QUEUED_CHARS = 8L * 1024 * 1024;

  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY + 1);
  private final OutputStream out;
  private final Runnable overflow;
  private final Runnable failed;
  private final Thread writer;
  private final AtomicLong queuedChars = new AtomicLong();
  private int seq;
  private boolean finished;

  /**
   * @param out the client's stream
   * @param overflow runs (on the sending thread) when the queue is full
   * @param failed runs on the writer thread when writing fails or after {@link #finish} was written
   */
  Outbox(OutputStream out, String threadName, Runnable overflow, Runnable failed) {
    this.out = out;
    this.overflow = overflow;
    this.failed = failed;
    this.writer = new Thread(this::drain, threadName);
    writer.setDaemon(true);
  }

  void start() {
    writer.start();
  }

  /** Gives the message its {@code seq} and queues it; false when it was not queued. */
  synchronized boolean send(Map<String, Object> message) {
    if (finished) {
      return false;
    }
    message.put("seq", ++seq);
    String json = JsonWriter.write(message);
    if (queue.size() >= CAPACITY || queuedChars.get() + json.length() > MAX_QUEUED_CHARS
        || !queue.offer(json)) {
      finished = true;
      overflow.run();
      return false;
    }
    queuedChars.addAndGet(json.length());
    return true;
  }

  /** Writes what is queued, then stops (and runs {@code failed}); later sends are dropped. */
  synchronized void finish() {
    if (!finished) {
      finished = true;
      if (!queue.offer(END)) { // the queue keeps one place free for END: never full here
        writer.interrupt();
      }
    }
  }

  private void drain() {
    try {
      while (true) {
        Object next = queue.take();
        if (next == END) {
          break;
        }
        String json = (String) next;
        queuedChars.addAndGet(-json.length());
        ContentLengthFrames.write(out, json);
      }
    } catch (IOException | InterruptedException e) {
      // the client went away or the session ends: nothing more to write
    } finally {
      failed.run();
    }
  }

  /** Stops the writer thread at once (queued messages are lost). */
  void stop() {
    synchronized (this) {
      finished = true;
    }
    writer.interrupt();
  }
}
