/*
 * Calls qjs_sanitizer_canary(kind) in the library named by argv[0], through JNA,
 * in a JVM of its own. Run by native-libs/sanitize.sh as a single-file program:
 *
 *   java -cp jna.jar native-libs/sanitizer/SanitizerCanary.java /abs/libquickjs-jsr223.so 0
 *
 * With the sanitizers active the call never returns: the sanitizer reports and
 * aborts the JVM. If it does return, this program says so and exits with 3.
 */
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

public final class SanitizerCanary {
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: SanitizerCanary /abs/path/libquickjs-jsr223.so <kind: 0 asan | 1 ubsan>");
      System.exit(2);
    }
    NativeLibrary lib = NativeLibrary.getInstance(args[0]);
    Function canary = lib.getFunction("qjs_sanitizer_canary");
    int kind = Integer.parseInt(args[1]);
    System.err.println("[sanitizer-canary] calling qjs_sanitizer_canary(" + kind + ")");
    int rc = canary.invokeInt(new Object[] {kind});
    System.err.println("[sanitizer-canary] qjs_sanitizer_canary(" + kind + ") returned " + rc
        + ": NO sanitizer stopped it");
    System.exit(3);
  }
}
