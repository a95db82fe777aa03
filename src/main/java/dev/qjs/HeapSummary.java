package dev.qjs;

import dev.qjs.internal.runtime.JsRuntime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one engine's JavaScript heap holds, from {@link QuickJsScriptEngine#heapSummary()}: live
 * cells counted and sized by kind and name, and QuickJS's totals. A JavaScript object's kind is
 * its class ({@code Object}, {@code Array}, {@code Function}, {@code Map}, {@code Error}, {@code
 * ArrayBuffer} ...); a plain object's name is its constructor's (the {@code name} of its
 * prototype's own {@code constructor} data property, so instances of {@code class Leak {}} are
 * named {@code Leak}), any other cell's name is its kind. QuickJS's own cells have kinds in
 * parentheses: {@code (function bytecode)}, {@code (shape)}, {@code (closure variable)}, {@code
 * (async function state)}, {@code (realm)}. Strings and atoms are not cells: see {@link
 * #totals()}.
 *
 * <pre>{@code
 * HeapSummary before = engine.heapSummary();
 * engine.eval("for (let i = 0; i < 1000; i++) cache.push(new Leak())");
 * HeapSummary grown = engine.heapSummary().difference(before);
 * grown.count("Leak"); // 1000
 * System.out.println(grown);
 * }</pre>
 *
 * <p>Bytes are estimates: an object's header, its property slots, its dense array elements and
 * an ArrayBuffer's data (a typed array's bytes are its buffer's); what a Java object behind a
 * script value holds is not counted.
 */
public final class HeapSummary {
  /**
   * The live cells of one kind and name.
   *
   * <pre>{@code
   * for (HeapSummary.Entry e : engine.heapSummary().entries()) {
   *   System.out.println(e.name() + ": " + e.count() + " (" + e.bytes() + " bytes)");
   * }
   * }</pre>
   *
   * @param name the constructor's name for a plain object, else the kind
   * @param kind the object's class, or a parenthesized kind of QuickJS's own cells
   * @param count how many (in a difference: how many more, negative when fewer)
   * @param bytes their estimated size (in a difference: the change)
   */
  public record Entry(String name, String kind, long count, long bytes) {}

  private final List<Entry> entries;
  private final MemoryUsage totals;

  private HeapSummary(List<Entry> entries, MemoryUsage totals) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong((Entry e) -> Math.abs(e.bytes())).reversed()
        .thenComparing(Entry::name).thenComparing(Entry::kind));
    this.entries = List.copyOf(sorted);
    this.totals = totals;
  }

  static HeapSummary of(JsRuntime.HeapWalk walk) {
    Map<String, Entry> merged = new LinkedHashMap<>();
    for (JsRuntime.HeapWalk.Group g : walk.groups()) {
      merged.merge(g.kind() + "\u0000" + g.name(), new Entry(g.name(), g.kind(), g.count(), g.bytes()),
          (a, b) -> new Entry(a.name(), a.kind(), a.count() + b.count(), a.bytes() + b.bytes()));
    }
    return new HeapSummary(new ArrayList<>(merged.values()), MemoryUsage.of(walk.totals()));
  }

  /**
   * Every entry, by bytes (their absolute value in a difference), largest first.
   *
   * @return the entries, unmodifiable
   */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * QuickJS's totals ({@code JS_ComputeMemoryUsage}), strings and atoms included.
   *
   * @return the totals
   */
  public MemoryUsage totals() {
    return totals;
  }

  /**
   * How many cells have this name, over all kinds (a constructor's name, or a kind such as
   * {@code Array}).
   *
   * @param name the name of entries
   * @return the sum of their counts; 0 when there is none
   */
  public long count(String name) {
    Objects.requireNonNull(name, "name");
    long n = 0;
    for (Entry e : entries) {
      if (e.name().equals(name)) {
        n += e.count();
      }
    }
    return n;
  }

  /**
   * The estimated bytes of all cells.
   *
   * @return the sum of the entries' bytes
   */
  public long bytes() {
    long n = 0;
    for (Entry e : entries) {
      n += e.bytes();
    }
    return n;
  }

  /**
   * What changed since an earlier summary: an entry per kind and name whose count or bytes
   * differ (positive: grown), and the totals' differences.
   *
   * @param earlier a summary of the same engine taken before this one
   * @return the difference, largest change first
   */
  public HeapSummary difference(HeapSummary earlier) {
    Objects.requireNonNull(earlier, "earlier");
    Map<String, Entry> diff = new LinkedHashMap<>();
    for (Entry e : entries) {
      diff.put(e.kind() + "\u0000" + e.name(), e);
    }
    for (Entry e : earlier.entries) {
      diff.merge(e.kind() + "\u0000" + e.name(), new Entry(e.name(), e.kind(), -e.count(), -e.bytes()),
          (a, b) -> new Entry(a.name(), a.kind(), a.count() + b.count(), a.bytes() + b.bytes()));
    }
    List<Entry> changed = new ArrayList<>();
    for (Entry e : diff.values()) {
      if (e.count() != 0 || e.bytes() != 0) {
        changed.add(e);
      }
    }
    MemoryUsage a = totals;
    MemoryUsage b = earlier.totals;
    long[] t = {
      a.mallocSize() - b.mallocSize(), a.mallocLimit(), a.memoryUsedSize() - b.memoryUsedSize(),
      a.mallocCount() - b.mallocCount(), a.memoryUsedCount() - b.memoryUsedCount(),
      a.atomCount() - b.atomCount(), a.atomSize() - b.atomSize(),
      a.stringCount() - b.stringCount(), a.stringSize() - b.stringSize(),
      a.objectCount() - b.objectCount(), a.objectSize() - b.objectSize(),
      a.propertyCount() - b.propertyCount(), a.propertySize() - b.propertySize(),
      a.shapeCount() - b.shapeCount(), a.shapeSize() - b.shapeSize(),
      a.functionCount() - b.functionCount(), a.functionSize() - b.functionSize(),
      a.functionCodeSize() - b.functionCodeSize(),
      a.lineNumberTableCount() - b.lineNumberTableCount(),
      a.lineNumberTableSize() - b.lineNumberTableSize(),
      a.cFunctionCount() - b.cFunctionCount(), a.arrayCount() - b.arrayCount(),
      a.fastArrayCount() - b.fastArrayCount(), a.fastArrayElements() - b.fastArrayElements(),
      a.binaryObjectCount() - b.binaryObjectCount(), a.binaryObjectSize() - b.binaryObjectSize()
    };
    return new HeapSummary(changed, MemoryUsage.of(t));
  }

  /** A table: count, bytes, name and kind per entry, then the strings' and atoms' totals. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(java.util.Locale.ROOT, "%12s %14s  %s%n", "count", "bytes", "name (kind)"));
    for (Entry e : entries) {
      sb.append(String.format(java.util.Locale.ROOT, "%12d %14d  %s%s%n", e.count(), e.bytes(), e.name(),
          e.name().equals(e.kind()) ? "" : " (" + e.kind() + ")"));
    }
    sb.append(String.format(java.util.Locale.ROOT, "%12d %14d  %s%n", totals.stringCount(), totals.stringSize(), "(strings)"));
    sb.append(String.format(java.util.Locale.ROOT, "%12d %14d  %s%n", totals.atomCount(), totals.atomSize(), "(atoms)"));
    return sb.toString();
  }
}
