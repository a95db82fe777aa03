package dev.qjs.bench.jsr223;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One crossing of the Java/JS boundary from inside a script, per form: a JS loop (ES5) makes
 * {@value #OPS} accesses to a Java object per call, the score is the time of one access. Forms:
 * {@code m.get('a')} on a {@code HashMap}, {@code list.size()} on an {@code ArrayList}, a bean
 * getter called as a method ({@code bean.getName() == 'widget'}), a bean property read
 * ({@code bean.name == 'widget'}),
 * a {@code List} element read ({@code list[i]}) and a {@code HashMap} property write
 * ({@code m.a = i}). The last three are not shown by every engine: set-up probes each engine
 * and, where the form does not work, measures the method call it stands for instead
 * ({@code bean.getName()}, {@code list.get(i)}, {@code m.put('a', i)}) and says so on stderr
 * (the README's table names these fallbacks). The {@code m.a} read is {@link HostMapReadBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HostAccessBench {
  static final int OPS = 10_000;

  /** A bean with one property. */
  public static final class Item {
    private final String name;

    public Item(String name) {
      this.name = name;
    }

    public String getName() {
      return name;
    }
  }

  /** Probes: whether the engine shows a form (ES5; errors caught where a form throws). */
  static final String PROBES =
      "function probeBeanName(b) { try { var v = b.name;"
          + " return (v === undefined || v === null || typeof v === 'function') ? null : '' + v }"
          + " catch (e) { return null } }\n"
          + "function probeListIndex(l) { try { var v = l[1]; return v === undefined ? null : v }"
          + " catch (e) { return null } }\n"
          + "function probeMapWrite(m) { try { m.a = 7 } catch (e) {} return 0 }\n";

  /** A JS function {@code name(x, n)} that runs {@code body} n times (i, s in scope) and returns s. */
  static String loop(String name, String body) {
    return "function " + name + "(x, n) { var s = 0, i; for (i = 0; i < n; i++) { " + body
        + " } return s }\n";
  }

  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private Map<String, Object> map;
  private Map<String, Object> writeMap;
  private List<Integer> list;
  private Item bean;
  private Object last;
  private double expectedLast;
  private boolean checkWriteMap;
  /** The form each benchmark measures in this engine (a fallback where the form is not shown). */
  String beanPropertyForm;
  String listIndexForm;
  String mapWriteForm;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    invocable = (Invocable) js;
    map = new HashMap<>();
    map.put("a", 1);
    list = new ArrayList<>(List.of(1, 2, 3, 4));
    bean = new Item("widget");
    writeMap = new HashMap<>();
    js.eval(PROBES);

    Object name = invocable.invokeFunction("probeBeanName", bean);
    boolean beanProperty = "widget".equals(name);
    Object element = invocable.invokeFunction("probeListIndex", list);
    boolean listIndex = element instanceof Number n && n.intValue() == 2;
    invocable.invokeFunction("probeMapWrite", writeMap);
    boolean mapWrite = writeMap.get("a") instanceof Number n && n.intValue() == 7;
    writeMap.clear();

    // `==`, not `.length`: Rhino hands Java strings over wrapped (`.length` is String.length())
    beanPropertyForm = beanProperty ? "if (x.name == 'widget') s++" : "if (x.getName() == 'widget') s++";
    listIndexForm = listIndex ? "s += x[i & 3]" : "s += x.get(i & 3)";
    mapWriteForm = mapWrite ? "x.a = i; s++" : "x.put('a', i); s++";
    for (String[] f : new String[][] {{"bean.name", beanPropertyForm, "x.name"},
        {"list[i]", listIndexForm, "x[i"}, {"m.a = i", mapWriteForm, "x.a ="}}) {
      if (!f[1].contains(f[2])) {
        System.err.println("HostAccessBench: " + engine + " does not show " + f[0]
            + "; measuring `" + f[1] + "` instead");
      }
    }
    js.eval(loop("mapGet", "s += x.get('a')")
        + loop("listSize", "s += x.size()")
        + loop("beanGetter", "if (x.getName() == 'widget') s++")
        + loop("beanProperty", beanPropertyForm)
        + loop("listIndex", listIndexForm)
        + loop("mapWrite", mapWriteForm));
    Engines.check("mapGet", invocable.invokeFunction("mapGet", map, OPS), OPS);
    Engines.check("listSize", invocable.invokeFunction("listSize", list, OPS), 4.0 * OPS);
    Engines.check("beanGetter", invocable.invokeFunction("beanGetter", bean, OPS), OPS);
    Engines.check("beanProperty", invocable.invokeFunction("beanProperty", bean, OPS), OPS);
    Engines.check("listIndex", invocable.invokeFunction("listIndex", list, OPS), 10.0 * OPS / 4);
    Engines.check("mapWrite", invocable.invokeFunction("mapWrite", writeMap, OPS), OPS);
    checkWrittenMap();
  }

  private void checkWrittenMap() {
    Engines.check("m.a after mapWrite (read in Java)", writeMap.get("a"), OPS - 1);
    if (writeMap.size() != 1) {
      throw new IllegalStateException("mapWrite left " + writeMap + ", not {a=" + (OPS - 1) + "}");
    }
  }

  private Object run(String function, Object target, double expected) throws Exception {
    expectedLast = expected;
    return last = invocable.invokeFunction(function, target, OPS);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public Object mapGetCall() throws Exception {
    return run("mapGet", map, OPS);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public Object listSizeCall() throws Exception {
    return run("listSize", list, 4.0 * OPS);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public Object beanGetterCall() throws Exception {
    return run("beanGetter", bean, OPS);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public Object beanPropertyRead() throws Exception {
    return run("beanProperty", bean, OPS);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public Object listIndexRead() throws Exception {
    return run("listIndex", list, 10.0 * OPS / 4);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public Object mapPropertyWrite() throws Exception {
    writeMap.remove("a");
    checkWriteMap = true;
    return run("mapWrite", writeMap, OPS);
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("last loop while measuring", last, expectedLast);
    if (checkWriteMap) {
      checkWrittenMap();
    }
    last = null;
    checkWriteMap = false;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
