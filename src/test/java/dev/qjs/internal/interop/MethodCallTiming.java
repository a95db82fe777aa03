package dev.qjs.internal.interop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Not a test: times host method calls through a {@link MethodGroup} against the uncached,
 * reflective {@link Overloads#invokeBest}, in nanoseconds per call (best of several rounds).
 * Run with {@code java -cp target/classes:target/test-classes
 * dev.qjs.internal.interop.MethodCallTiming [calls per round]}.
 */
final class MethodCallTiming {
  private MethodCallTiming() {}

  private interface Call {
    Object run();
  }

  public static void main(String[] argv) {
    int calls = argv.length > 0 ? Integer.parseInt(argv[0]) : 10_000_000;
    ArgumentConverter converter = new ArgumentConverter(new MethodGroupTest.NoMirrors());
    HostMembers members = new HostMembers(converter);
    Overloads reference = new Overloads(converter);
    List<Object> list = new ArrayList<>(List.of(1, 2, 3));
    Map<Object, Object> map = new HashMap<>(Map.of("k", "v"));
    String text = "hello world";
    time("ArrayList.size()", members, reference, list, "size", new Object[0], calls);
    time("HashMap.get(\"k\")", members, reference, map, "get", new Object[] {"k"}, calls);
    time("String.indexOf(\"o\") [2 overloads of arity 1]", members, reference, text, "indexOf", new Object[] {"o"}, calls);
    time("ArrayList.get(1.0) [double → int]", members, reference, list, "get", new Object[] {1.0}, calls);
  }

  private static void time(
      String label, HostMembers members, Overloads reference, Object target, String name, Object[] args, int calls) {
    MethodGroup group = Objects.requireNonNull(members.methodGroup(target, name));
    List<Method> candidates = group.candidates();
    double old = best(() -> reference.invokeBest(candidates, target, args.clone(), name), calls);
    double now = best(() -> group.invoke(target, args.clone()), calls);
    System.out.printf("%-48s uncached reflective %6.1f ns   method group %6.1f ns%n", label, old, now);
  }

  private static double best(Call call, int calls) {
    double best = Double.MAX_VALUE;
    int sink = 0;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        sink += call.run() == null ? 1 : 0;
      }
      best = Math.min(best, (System.nanoTime() - start) / (double) calls);
    }
    if (sink == -1) {
      System.out.println(sink);
    }
    return best;
  }
}
