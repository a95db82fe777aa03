package dev.qjs.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime's lock: re-entry, lending to threads the lender waits for, refused waits. */
class RuntimeLockTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @Test
  void twoThreadsThatEachWaitForTheOthersLockAreNotLeftWaitingForever() throws Exception {
    RuntimeLock a = new RuntimeLock("engine A", () -> false);
    RuntimeLock b = new RuntimeLock("engine B", () -> false);
    CyclicBarrier bothInside = new CyclicBarrier(2);
    Future<String> one = pool.submit(() -> holdThenWait(a, b, bothInside));
    Future<String> two = pool.submit(() -> holdThenWait(b, a, bothInside));
    String r1 = one.get(30, TimeUnit.SECONDS);
    String r2 = two.get(30, TimeUnit.SECONDS);
    // exactly one of the two is refused; the other gets the lock once the refused one has left
    assertTrue(r1.startsWith("refused") ^ r2.startsWith("refused"), r1 + " / " + r2);
    String refused = r1.startsWith("refused") ? r1 : r2;
    assertTrue(refused.contains("deadlock") && refused.contains("engine A") && refused.contains("engine B"),
        refused);
  }

  private static String holdThenWait(RuntimeLock mine, RuntimeLock theirs, CyclicBarrier bothInside)
      throws Exception {
    mine.acquire(false);
    try {
      bothInside.await(10, TimeUnit.SECONDS);
      theirs.acquire(false);
      theirs.release();
      return "entered";
    } catch (RuntimeLock.WaitRefused e) {
      return "refused: " + e.getMessage();
    } finally {
      mine.release();
    }
  }

  @Test
  void aWaiterGivesUpWhenTheCallItIsInsideIsStopped() throws Exception {
    AtomicBoolean stopA = new AtomicBoolean();
    RuntimeLock a = new RuntimeLock("engine A", stopA::get);
    RuntimeLock b = new RuntimeLock("engine B", () -> false);
    CountDownLatch bHeld = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    pool.submit(() -> {
      b.acquire(false);
      bHeld.countDown();
      done.await();
      b.release();
      return null;
    });
    assertTrue(bHeld.await(10, TimeUnit.SECONDS));
    Future<String> waiter = pool.submit(() -> {
      a.acquire(false);
      try {
        b.acquire(true);
        b.release();
        return "entered";
      } catch (RuntimeLock.WaitRefused e) {
        return e.getMessage();
      } finally {
        a.release();
      }
    });
    Thread.sleep(50);
    stopA.set(true);
    String r = waiter.get(30, TimeUnit.SECONDS);
    assertTrue(r.contains("stopped") && r.contains("engine B"), r);
    done.countDown();
  }

  @Test
  void aLenderParkedInJavaCodeLetsAnotherThreadEnterOnTopAndResumesAfterIt() throws Exception {
    RuntimeLock lock = new RuntimeLock("engine", () -> false);
    assertEquals(RuntimeLock.OUTERMOST, lock.acquire(true));
    int previous = lock.lend();
    Future<Integer> other = pool.submit(() -> {
      int kind = lock.acquire(true);
      assertEquals(RuntimeLock.NESTED, lock.acquire(true));
      lock.release();
      lock.release();
      return kind;
    });
    assertEquals(RuntimeLock.BORROWED, other.get(30, TimeUnit.SECONDS));
    lock.unlend(previous);
    assertEquals(RuntimeLock.OUTERMOST, lock.releaseKind());
    lock.release();
    assertTrue(!lock.isLocked());
  }

  @Test
  void aThreadThatDoesNotBorrowWaitsForTheLendersWholeCall() throws Exception {
    RuntimeLock lock = new RuntimeLock("engine", () -> false);
    lock.acquire(true);
    int previous = lock.lend();
    Future<Integer> queued = pool.submit(() -> {
      int kind = lock.acquire(false);
      lock.release();
      return kind;
    });
    assertThrows(java.util.concurrent.TimeoutException.class, () -> queued.get(200, TimeUnit.MILLISECONDS));
    lock.unlend(previous);
    lock.release();
    assertEquals(RuntimeLock.OUTERMOST, queued.get(30, TimeUnit.SECONDS));
  }
}
