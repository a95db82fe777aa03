package dev.qjs.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Shared plumbing of the fuzz tests: a time budget, a deterministic input stream, the seed
 * corpus, and saving failing inputs as regressions.
 *
 * <ul>
 *   <li>{@code -Dquickjs.fuzz.seconds=N}: the total budget of all {@link #TARGETS} fuzz targets
 *       in one run (default 20), split evenly; each target also runs a minimum number of
 *       iterations so a slow machine still covers the start of its input stream.
 *   <li>{@code -Dquickjs.fuzz.seed=S}: the base seed (default fixed, so every run replays the
 *       same inputs first). Input {@code i} of a target comes from {@code new Random(seed * 31 +
 *       i)} only, so a failure names the (seed, index) that reproduces it.
 *   <li>A failing input is written to {@code src/test/resources/fuzz/regressions/} (relative to
 *       the working directory, the project root under Maven) and the test fails;
 *       {@link FuzzRegressionTest} replays every saved input on every run.
 * </ul>
 */
final class Fuzz {
  /** Number of time-boxed fuzz targets sharing {@code quickjs.fuzz.seconds}. */
  static final int TARGETS = 7;

  static final long SEED = Long.getLong("quickjs.fuzz.seed", 0x5eed_0f_4a5L);
  static final double TOTAL_SECONDS =
      Double.parseDouble(System.getProperty("quickjs.fuzz.seconds", "20"));
  static final int MIN_ITERATIONS = Integer.getInteger("quickjs.fuzz.minIterations", 25);

  static final Path REGRESSIONS = Paths.get("src", "test", "resources", "fuzz", "regressions");

  private Fuzz() {}

  static long budgetNanos() {
    return (long) (TOTAL_SECONDS / TARGETS * 1e9);
  }

  static Random random(long index) {
    return new Random(SEED * 31 + index);
  }

  /** Runs {@code body} for inputs 0, 1, 2, ... until the target's budget is spent. */
  static int loop(String target, Body body) throws Exception {
    long deadline = System.nanoTime() + budgetNanos();
    int i = 0;
    while (i < MIN_ITERATIONS || System.nanoTime() < deadline) {
      body.run(i, random(i));
      i++;
    }
    System.out.printf("[fuzz] %s: %d inputs in %.1f s (seed %d)%n", target, i,
        (budgetNanos() + System.nanoTime() - deadline) / 1e9, SEED);
    return i;
  }

  interface Body {
    void run(int index, Random random) throws Exception;
  }

  /** Saves a failing input and fails the test with where it is and what happened. */
  static void saveAndFail(String prefix, String ext, byte[] input, String what, Throwable cause) {
    String name = prefix + "-" + sha1(input).substring(0, 16) + "." + ext;
    Path file = REGRESSIONS.resolve(name);
    try {
      Files.createDirectories(REGRESSIONS);
      Files.write(file, input);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
    AssertionError error =
        new AssertionError(
            what + " (input saved as " + file.toAbsolutePath() + ", replayed by FuzzRegressionTest)",
            cause);
    throw error;
  }

  static String sha1(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The seed corpus: {@code src/test/resources/fuzz/seeds/*.ext}, read from the class path. */
  static List<byte[]> seeds(String ext) {
    List<byte[]> out = new ArrayList<>();
    for (String name : resourceList("/fuzz/seeds/", ext)) {
      out.add(resource("/fuzz/seeds/" + name));
    }
    if (out.isEmpty()) {
      fail("no seed corpus fuzz/seeds/*." + ext + " on the test class path");
    }
    return out;
  }

  /** Names of the files in a class path directory (test resources are plain files). */
  static List<String> resourceList(String dir, String ext) {
    var url = Fuzz.class.getResource(dir);
    if (url == null) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(Paths.get(url.toURI()))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith("." + ext))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] resource(String path) {
    try (var in = Fuzz.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------- generators ---

  private static final char[] SPECIAL_CHARS = {
    '\0', '\n', '\r', '\t', '\\', '"', '\'', '`', '$', '{', '}', '\u2028', '\u2029', '\uFEFF',
    '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFFFF', '\u00e9', '\u4e2d', 0x7f, 0x80
  };

  /** A string with lone surrogates, pairs, NULs, escapes, BMP and ASCII characters. */
  static String randomString(Random r, int maxLen) {
    int len = r.nextInt(maxLen + 1);
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      int k = r.nextInt(10);
      if (k < 5) {
        sb.append((char) (0x20 + r.nextInt(0x5f)));
      } else if (k < 7) {
        sb.append(SPECIAL_CHARS[r.nextInt(SPECIAL_CHARS.length)]);
      } else if (k < 8) {
        sb.appendCodePoint(0x10000 + r.nextInt(0x10FFFF - 0x10000));
      } else {
        sb.append((char) r.nextInt(0x10000));
      }
    }
    return sb.toString();
  }

  /** Mutates bytes: flips, inserts, deletes, duplicates and splices chunks (AFL-like). */
  static byte[] mutate(Random r, byte[] in, List<byte[]> donors, byte[][] dictionary) {
    byte[] b = in.clone();
    int rounds = 1 + r.nextInt(8);
    for (int k = 0; k < rounds; k++) {
      int op = r.nextInt(8);
      int n = b.length;
      switch (op) {
        case 0 -> { // bit flip
          if (n > 0) {
            b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
          }
        }
        case 1 -> { // random byte
          if (n > 0) {
            b[r.nextInt(n)] = (byte) r.nextInt(256);
          }
        }
        case 2 -> { // delete a chunk
          if (n > 0) {
            int at = r.nextInt(n);
            int len = Math.min(n - at, 1 + r.nextInt(Math.max(1, n / 4)));
            b = concat(slice(b, 0, at), slice(b, at + len, n));
          }
        }
        case 3 -> { // duplicate a chunk in place
          if (n > 0) {
            int at = r.nextInt(n);
            int len = Math.min(n - at, 1 + r.nextInt(Math.max(1, n / 4)));
            b = concat(slice(b, 0, at + len), slice(b, at, n));
          }
        }
        case 4, 5 -> { // insert a dictionary token
          byte[] tok = dictionary[r.nextInt(dictionary.length)];
          int at = n == 0 ? 0 : r.nextInt(n + 1);
          b = concat(concat(slice(b, 0, at), tok), slice(b, at, n));
        }
        case 6 -> { // splice in a chunk of another input
          byte[] d = donors.get(r.nextInt(donors.size()));
          if (d.length > 0) {
            int from = r.nextInt(d.length);
            int len = Math.min(d.length - from, 1 + r.nextInt(64));
            int at = n == 0 ? 0 : r.nextInt(n + 1);
            b = concat(concat(slice(b, 0, at), slice(d, from, from + len)), slice(b, at, n));
          }
        }
        default -> { // repeat a chunk many times (deep nesting, long runs)
          if (n > 0) {
            int at = r.nextInt(n);
            int len = Math.min(n - at, 1 + r.nextInt(4));
            byte[] chunk = slice(b, at, at + len);
            int times = 1 + r.nextInt(r.nextBoolean() ? 16 : 2000);
            byte[] rep = new byte[chunk.length * times];
            for (int t = 0; t < times; t++) {
              System.arraycopy(chunk, 0, rep, t * chunk.length, chunk.length);
            }
            b = concat(concat(slice(b, 0, at), rep), slice(b, at, n));
          }
        }
      }
      if (b.length > 200_000) {
        b = slice(b, 0, 200_000);
      }
    }
    return b;
  }

  static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[][] dictionary(String... tokens) {
    byte[][] out = new byte[tokens.length][];
    for (int i = 0; i < tokens.length; i++) {
      out[i] = tokens[i].getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }
}
