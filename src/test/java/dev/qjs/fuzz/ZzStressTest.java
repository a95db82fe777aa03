package dev.qjs.fuzz;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ZzStressTest {
  @Test
  void stress() throws Exception {
    long end = System.nanoTime() + Long.getLong("stress.seconds", 300L) * 1_000_000_000L;
    long seed = Long.getLong("stress.seed", 1L);
    int i = 0;
    while (System.nanoTime() < end) {
      long s = seed + i++;
      String src = JsGrammar.program(new Random(s));
      java.nio.file.Files.writeString(java.nio.file.Path.of("/tmp/fz/stress-last.txt"), s + "\n");
      EvalFuzzTest.evalOnce(src);
      if (i % 500 == 0) System.err.println("programs " + i);
    }
    System.err.println("programs total " + i);
  }
}
