package dev.qjs.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.Random;

/**
 * A {@link Random} whose every choice is read from Jazzer's input, so that the structure-aware
 * generators ({@link JsGrammar}, {@link ValueConversionFuzzTest#randomValue}) turn fuzzer bytes
 * into programs and values: a mutated input is a mutated program. A choice reads only as many
 * bytes as its range needs (one for a choice among up to 256); once the input is used up every
 * choice is 0, which every generator here maps to its smallest case, so generation always ends.
 */
final class FuzzedRandom extends Random {
  private static final long serialVersionUID = 1L;

  private final transient FuzzedDataProvider data;

  FuzzedRandom(FuzzedDataProvider data) {
    super(0);
    this.data = data;
  }

  @Override
  protected int next(int bits) {
    if (data == null || data.remainingBytes() == 0) {
      return 0; // also while Random's constructor runs, before data is set
    }
    return bits == 32 ? data.consumeInt() : data.consumeInt(0, (1 << bits) - 1);
  }

  /** One byte for a small bound, not Random's four: mutating a byte changes one choice. */
  @Override
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive");
    }
    return data.remainingBytes() == 0 ? 0 : data.consumeInt(0, bound - 1);
  }

  @Override
  public boolean nextBoolean() {
    return data.remainingBytes() != 0 && data.consumeBoolean();
  }

  /** Random's own would loop for ever on an all-zero stream (it rejects the pair (-1, -1)). */
  @Override
  public synchronized double nextGaussian() {
    return data.remainingBytes() == 0 ? 0 : data.consumeRegularDouble(-4, 4);
  }
}
