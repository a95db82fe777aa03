#!/usr/bin/env python3
"""table.py RESULTS_DIR > table.md: the Markdown table of one run of run.sh, and RESULTS_DIR/chart.svg.

Each column's figures come from RESULTS_DIR/<column>/ (JMH JSON, hyperfine JSON, the memory
probe's and the qjs driver's JSON lines, microbench.js's table). Each cell is the figure, its
spread and its ratio to quickjs's figure in the same run (figure / quickjs's figure)."""
import json
import math
import os
import re
import statistics
import sys

COLUMNS = ["quickjs", "quickjs-dev", "quickjs-jna", "qjs", "nashorn", "rhino", "graaljs-jit", "graaljs-interp",
           "quickjs-jdk25", "nashorn-jdk25"]
TITLES = {"quickjs": "quickjs (JSR-223)", "quickjs-dev": "quickjs, developer build (cc -O2)", "quickjs-jna": "quickjs over JNA (fallback)",
          "qjs": "raw qjs", "nashorn": "Nashorn 15.7",
          "rhino": "Rhino 1.9.1", "graaljs-jit": "GraalJS 25 (Graal JIT)",
          "graaljs-interp": "GraalJS 25 (no JIT)", "quickjs-jdk25": "quickjs, JDK 25",
          "nashorn-jdk25": "Nashorn 15.7, JDK 25"}
COLORS = {"qjs": "#4c78a8", "quickjs-dev": "#bab0ac", "nashorn": "#f58518", "rhino": "#54a24b",
          "graaljs-jit": "#e45756", "graaljs-interp": "#b279a2", "quickjs-jna": "#9d755d",
          "quickjs-jdk25": "#72b7b2", "nashorn-jdk25": "#eeca3b"}

# key, label, unit, True if higher is better, (jmh method, factor) or a special source
ROWS = [
    ("cold", "1. cold start: new JVM, engine, eval(\"1+1\"), print, exit", "ms", False, "cold"),
    ("newEngine", "2. new engine + eval(\"1+1\") + close()", "engines/s", True, ("newEngineTinyEval", 1)),
    ("putEval", "3. put(\"x\", 41) + eval(\"x + 1\")", "ops/s", True, ("putEval", 1)),
    ("invoke", "4. invokeFunction(\"add\", 1, 2)", "ns/op", False, ("invokeAdd", 1)),
    ("compute", "5. compute mix (ES5), checksum checked", "ms/run", False, ("computeMix", 1)),
    ("handlebars", "6. Handlebars 4.7.8 page render", "renders/s", True, ("render", 1)),
    ("transform", "7. 1,000-entry Map in, object back, read via entrySet()", "µs/op", False,
     ("transformReadEntrySet", 1)),
    ("toJava", "7b. the same, read via JsObject.toJava() (quickjs only)", "µs/op", False,
     ("transformReadToJava", 1)),
    ("hostRead", "8. host Map property read in a JS loop", "ns/read", False, ("readHostMapProperty", 1)),
    ("memFirstRss", "9a. memory: first engine, RSS", "MB", False, "mem:firstRssMB"),
    ("memFirstHeap", "9b. memory: first engine, heap", "MB", False, "mem:firstHeapMB"),
    ("memExtra", "9c. memory: each further engine, heap + RSS", "MB", False, "mem:extra"),
    ("string", "10. 10 MB string into JS and back", "ms/op", False, ("roundTrip", 1)),
    ("promises", "11a. eval: await 10,000 resolved promises", "ms/eval", False, ("await10kPromises", 1e-3)),
    ("await", "11b. eval: one await round trip", "µs/eval", False, ("awaitRoundTrip", 1)),
    ("micro", "12. QuickJS tests/microbench.js, sum of per-test times", "ns", False, "micro"),
    ("rulesBeans", "13a. rules: evaluate(order), beans + HashMap/ArrayList, 102 host calls", "µs/call", False,
     ("evaluateBeans", 1)),
    ("rulesRecords", "13b. rules: the same over records + Map.of/List.of", "µs/call", False,
     ("evaluateRecords", 1)),
    ("hostMapGet", "14a. host call m.get('a') on a HashMap, in a JS loop", "ns/op", False, ("mapGetCall", 1)),
    ("hostListSize", "14b. host call list.size() on an ArrayList", "ns/op", False, ("listSizeCall", 1)),
    ("hostBeanGetter", "14c. bean getter call bean.getName()", "ns/op", False, ("beanGetterCall", 1)),
    ("hostBeanProp", "14d. bean property read bean.name (GraalJS: getName())", "ns/op", False,
     ("beanPropertyRead", 1)),
    ("hostListIndex", "14e. List element read list[i]", "ns/op", False, ("listIndexRead", 1)),
    ("hostMapWrite", "14f. HashMap property write m.a = i (Rhino: m.put)", "ns/op", False,
     ("mapPropertyWrite", 1)),
    ("invokeMethod", "15. invokeMethod(obj, \"add\", 1, 2)", "ns/op", False, ("invokeMethodAdd", 1)),
    ("fnCall", "15b. JsFunction.call(1, 2) (quickjs only)", "ns/op", False, ("jsFunctionCall", 1)),
    ("springJs", "16a. Spring-style render(template, model, url), JS model", "renders/s", True,
     ("renderJsModel", 1)),
    ("springJava", "16b. the same, Java HashMap/ArrayList model (quickjs only)", "renders/s", True,
     ("renderJavaModel", 1)),
    ("springJavaProto", "16c. 16b with Handlebars' allowProtoPropertiesByDefault (quickjs, GraalJS)", "renders/s",
     True, ("renderJavaModelAllowProto", 1)),
    ("springRatio", "16d. Java model ÷ JS model, rates (16b ÷ 16a)", "×", True, "derived"),
    ("springRatioProto", "16e. Java model with the option ÷ JS model, rates (16c ÷ 16a)", "×", True, "derived"),
    ("errorsInScript", "17a. 100 errors thrown 10 frames deep, caught in JS", "µs/op", False,
     ("throwAndCatchInScript", 1)),
    ("errorToJava", "17b. one error 10 frames deep reaching Java, stack trace read", "µs/op", False,
     ("failureReachesJava", 1)),
    ("poolRender1", "18a. pooled Spring-style render (lease, 16b, close), 1 thread (quickjs only)", "renders/s", True,
     ("pooledRender1Thread", 1)),
    ("poolRender2", "18b. the same, 2 threads on a pool of 2 (goal: >= 1.8x 18a on 2 cores)", "renders/s", True,
     ("pooledRender2Threads", 1)),
    ("handlebarsFromSource", "19a. new engine with Handlebars ready from source, closed (quickjs only)", "µs/op", False,
     ("fromSource", 1)),
    ("handlebarsFromBytecode", "19b. the same from Bytecode compiled once, source text kept (the default)", "µs/op", False,
     ("fromBytecode", 1)),
    ("handlebarsFromBytecodeLines", "19c. the same, line numbers only (DebugInfo.LINE_NUMBERS; goal: >= 5x faster than 19a)", "µs/op", False,
     ("fromBytecodeWithoutSourceText", 1)),
    ("isolatedRender", "20a. new engine, Handlebars from source, one render, closed", "ms/op", False,
     ("isolatedRenderFromSource", 1)),
    ("isolatedRenderBytecode", "20b. the same with the scripts from Bytecode (quickjs only; goal: >= 10x Nashorn's 20a rate)", "ms/op", False,
     ("isolatedRenderFromBytecode", 1)),
]

# t quantiles (two-sided 99.9%, as JMH's score error) by degrees of freedom
T999 = {1: 636.6, 2: 31.6, 3: 12.92, 4: 8.61, 5: 6.87, 6: 5.96, 7: 5.41, 8: 5.04, 9: 4.78}


def ci(samples):
    if len(samples) < 2:
        return float("nan")
    return T999.get(len(samples) - 1, 3.3) * statistics.stdev(samples) / math.sqrt(len(samples))


def jsonl(path):
    if not os.path.exists(path):
        return []
    return [json.loads(l) for l in open(path) if l.strip().startswith("{")]


def microbench(path):
    tests, total = {}, None
    if not os.path.exists(path):
        return tests, total
    for line in open(path):
        f = line.split()
        if len(f) == 3 and re.fullmatch(r"\d+", f[1]):
            tests[f[0]] = float(f[2])
    if tests:
        total = sum(tests.values())
    return tests, total


def load_column(d):
    """{row key: (value, spread)} of one column directory."""
    v = {}
    p = os.path.join(d, "jmh.json")
    if os.path.exists(p):
        by_method = {r["benchmark"].rsplit(".", 1)[-1]: r for r in json.load(open(p))}
        for key, _, _, _, src in ROWS:
            if isinstance(src, tuple) and src[0] in by_method:
                m = by_method[src[0]]["primaryMetric"]
                err = float(m["scoreError"])
                v[key] = (m["score"] * src[1], err * src[1])
    p = os.path.join(d, "coldstart.json")
    if os.path.exists(p):
        r = json.load(open(p))["results"][0]
        v["cold"] = (r["median"] * 1000, (r.get("stddev") or 0) * 1000)
    mem = jsonl(os.path.join(d, "memory.jsonl"))
    if mem:
        def med(f):
            xs = [f(m) for m in mem]
            return statistics.median(xs), (max(xs) - min(xs)) / 2 if len(xs) > 1 else float("nan")
        v["memFirstRss"] = med(lambda m: m["firstRssMB"])
        v["memFirstHeap"] = med(lambda m: m["firstHeapMB"])
        v["memExtra"] = med(lambda m: m["extraHeapMB"] + m["extraRssMB"])
    for r in jsonl(os.path.join(d, "driver.jsonl")):
        key = {"compute": "compute", "handlebars": "handlebars"}[r["workload"]]
        v[key] = (statistics.mean(r["samples"]), ci(r["samples"]))
    for java, key in (("springJava", "springRatio"), ("springJavaProto", "springRatioProto")):
        if "springJs" in v and java in v and v["springJs"][0]:
            v[key] = (v[java][0] / v["springJs"][0], float("nan"))
    tests, total = microbench(os.path.join(d, "microbench.txt"))
    if total:
        v["micro"] = (total, float("nan"))
    return v


def num(x):
    if x != x:
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}"
    if abs(x) >= 1:
        return f"{x:,.2f}"
    return f"{x:.3g}"


def cell(col, key, data):
    if key not in data.get(col, {}):
        return "–"
    val, err = data[col][key]
    s = num(val) + ("" if err != err else f" ± {num(err)}")
    q = data.get("quickjs", {}).get(key)
    if col != "quickjs" and q and q[0]:
        s += f" ({val / q[0]:.2g}×)" if val / q[0] < 10 else f" ({val / q[0]:,.0f}×)"
    return s


def ratio(data, col, key):
    """Figure / quickjs's figure, or None."""
    a, q = data.get(col, {}).get(key), data.get("quickjs", {}).get(key)
    return a[0] / q[0] if a and q and q[0] else None


def targets(data):
    q = data.get("quickjs", {})
    out = []

    def add(name, ok, how):
        out.append(f"| {name} | {how} | {'n/a' if ok is None else ('met' if ok else '**missed**')} |")

    def r(col, key):
        x = ratio(data, col, key)
        return None if x is None else 1 / x  # quickjs / other

    x = r("nashorn", "cold")
    add("cold start ≤ 0.5× Nashorn's time", None if x is None else x <= 0.5,
        "n/a" if x is None else f"{x:.2f}× Nashorn's time")
    x = r("nashorn", "newEngine")
    add("new engine + eval ≥ 4× Nashorn's rate", None if x is None else x >= 4,
        "n/a" if x is None else f"{x:.1f}× Nashorn's rate")
    x = r("nashorn", "putEval")
    add("put + eval ≥ 1.0× Nashorn's rate", None if x is None else x >= 1,
        "n/a" if x is None else f"{x:.2f}× Nashorn's rate")
    x = q.get("invoke")
    add("invokeFunction ≤ 150 ns/op", None if x is None else x[0] <= 150,
        "n/a" if x is None else f"{x[0]:.0f} ns/op")
    x = r("qjs", "compute")
    add("compute mix ≤ 1.05× raw qjs's time", None if x is None else x <= 1.05,
        "n/a" if x is None else f"{x:.3f}× qjs's time")
    x = r("qjs", "handlebars")
    add("Handlebars ≥ 0.95× raw qjs's rate", None if x is None else x >= 0.95,
        "n/a" if x is None else f"{x:.3f}× qjs's rate")
    # issue 20: the speed of the library (time or rate, as qjs's speed ÷ ours) against qjs's
    x = r("qjs", "compute")
    add("issue 20: compute mix ≥ 1.15× raw qjs's speed", None if x is None else 1 / x >= 1.15,
        "n/a" if x is None else f"{1 / x:.3f}× qjs's speed")
    x = r("qjs", "handlebars")
    add("issue 20: Handlebars ≥ 1.15× raw qjs's speed", None if x is None else x >= 1.15,
        "n/a" if x is None else f"{x:.3f}× qjs's speed")
    x = q.get("memExtra")
    add("memory per extra engine ≤ 0.25 MB heap + RSS", None if x is None else x[0] <= 0.25,
        "n/a" if x is None else f"{x[0]:.3f} MB")
    x = q.get("memFirstRss")
    add("first engine ≤ 10 MB RSS", None if x is None else x[0] <= 10,
        "n/a" if x is None else f"{x[0]:.1f} MB")

    def of(col, a, b):  # a's value / b's value, or None
        x, y = data.get(col, {}).get(a), data.get(col, {}).get(b)
        return None if x is None or y is None or not y[0] else x[0] / y[0]

    x = of("quickjs", "poolRender2", "poolRender1")
    add("pooled render on 2 threads ≥ 1.8× 1 thread's rate", None if x is None else x >= 1.8,
        "n/a" if x is None else f"{x:.2f}×")
    x = of("quickjs", "handlebarsFromSource", "handlebarsFromBytecodeLines")
    add("Handlebars ready from bytecode ≥ 5× faster than from source", None if x is None else x >= 5,
        "n/a" if x is None else f"{x:.1f}× (19a ÷ 19c)")
    n, b = data.get("nashorn", {}).get("isolatedRender"), q.get("isolatedRenderBytecode")
    x = None if n is None or b is None or not b[0] else n[0] / b[0]
    add("isolated render from bytecode ≥ 10× Nashorn's rate", None if x is None else x >= 10,
        "n/a" if x is None else f"{x:.1f}× Nashorn's rate (20a Nashorn ÷ 20b)")
    return out


def boundary_targets(data):
    """Issue 15's goals, for JDK 17 (quickjs vs nashorn) and JDK 25 (the -jdk25 columns)."""
    out = []
    for jdk, q, n in (("17", "quickjs", "nashorn"), ("25", "quickjs-jdk25", "nashorn-jdk25")):
        qd, nd = data.get(q, {}), data.get(n, {})
        if not qd:
            continue

        def add(name, how, ok):
            out.append(f"| JDK {jdk}: {name} | {how} | {'n/a' if ok is None else ('met' if ok else '**missed**')} |")

        for key, what in (("rulesBeans", "rules (beans)"), ("rulesRecords", "rules (records)")):
            if key in qd and key in nd:
                x = qd[key][0] / nd[key][0]
                add(f"{what} ≤ 3× Nashorn's time", f"{x:.1f}× ({qd[key][0]:.3g} vs {nd[key][0]:.3g} µs)", x <= 3)
        for key, what, limit in (("hostMapGet", "host call m.get('a')", 100),
                                 ("hostListSize", "host call list.size()", 100),
                                 ("hostBeanGetter", "host call bean.getName()", 100),
                                 ("hostRead", "property read m.a", 50),
                                 ("hostBeanProp", "property read bean.name", 50),
                                 ("hostListIndex", "property read list[i]", 50),
                                 ("hostMapWrite", "property write m.a = i", 100),
                                 ("invoke", "invokeFunction", 100),
                                 ("invokeMethod", "invokeMethod", 100),
                                 ("fnCall", "JsFunction.call", 100)):
            if key in qd:
                add(f"{what} ≤ {limit} ns", f"{qd[key][0]:.0f} ns", qd[key][0] <= limit)
        if "springJava" in qd and "springJs" in qd:
            x = qd["springJava"][0] / qd["springJs"][0]
            add("Handlebars, Java model ≥ 0.9× JS model", f"{x:.2f}×", x >= 0.9)
        if "transform" in qd:
            add("1,000-entry Map in, object back ≤ 0.7 ms", f"{qd['transform'][0] / 1000:.2f} ms",
                qd["transform"][0] <= 700)
        if "string" in qd:
            add("10 MB string round trip ≤ 5 ms", f"{qd['string'][0]:.1f} ms", qd["string"][0] <= 5)
    return out


def chart(data, cols, path):
    """Horizontal bars of how many times better than quickjs each column is (log scale)."""
    rows = [(key, label) for key, label, _, _, _ in ROWS
            if any(ratio(data, c, key) for c in cols if c != "quickjs")]
    others = [c for c in cols if c != "quickjs"]
    better = {key: hib for key, _, _, hib, _ in ROWS}
    bar, gap, left, width = 9, 10, 330, 420
    lo, hi = -3, 3  # log10 range: 1/1000 .. 1000
    height = 60 + sum(gap + bar * sum(1 for c in others if ratio(data, c, k)) for k, _ in rows) + 40
    x = lambda v: left + (max(lo, min(hi, math.log10(v))) - lo) / (hi - lo) * width
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 150}" height="{height}" '
           'font-family="sans-serif" font-size="11">',
           f'<text x="10" y="18" font-size="13" font-weight="bold">Speed (memory: size) relative to '
           f'quickjs, same run; right of 1× = better than quickjs (log scale)</text>']
    for e in range(lo, hi + 1):
        gx = x(10 ** e)
        stroke = 'stroke="#666" stroke-width="2"' if e == 0 else 'stroke="#ccc"'
        svg.append(f'<line x1="{gx:.1f}" y1="30" x2="{gx:.1f}" y2="{height - 35}" {stroke}/>')
        svg.append(f'<text x="{gx:.1f}" y="{height - 22}" text-anchor="middle">{10 ** e:g}×</text>')
    y = 40
    for key, label in rows:
        svg.append(f'<text x="{left - 6}" y="{y + 8}" text-anchor="end">{label[:52]}</text>')
        for c in others:
            rv = ratio(data, c, key)
            if not rv:
                continue
            good = rv if better[key] else 1 / rv  # > 1: c is better than quickjs
            x0, x1 = sorted((x(1), x(good)))
            svg.append(f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 1):.1f}" height="{bar - 1}" '
                       f'fill="{COLORS[c]}"><title>{c}: {good:.3g}×</title></rect>')
            y += bar
        y += gap
    ly = 40
    for c in others:
        svg.append(f'<rect x="{left + width + 12}" y="{ly}" width="10" height="10" fill="{COLORS[c]}"/>'
                   f'<text x="{left + width + 26}" y="{ly + 9}">{TITLES[c]}</text>')
        ly += 16
    svg.append("</svg>")
    open(path, "w").write("\n".join(svg) + "\n")


def main():
    # table.py RAW [OUT]: reads the run's raw data in RAW (bench/target/results/<run>/), writes
    # OUT/chart.svg (OUT defaults to RAW) and prints the table (run.sh puts it in OUT/table.md)
    d = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else d
    os.makedirs(out, exist_ok=True)
    cols = [c for c in COLUMNS if os.path.isdir(os.path.join(d, c))]
    data = {c: load_column(os.path.join(d, c)) for c in cols}
    chart(data, cols, os.path.join(out, "chart.svg"))
    print("| workload | unit | " + " | ".join(TITLES[c] for c in cols) + " |")
    print("|---|---|" + "---:|" * len(cols))
    for key, label, unit, hib, _ in ROWS:
        if not any(key in data[c] for c in cols):
            continue
        print(f"| {label} | {unit} {'↑' if hib else '↓'} | "
              + " | ".join(cell(c, key, data) for c in cols) + " |")
    print()
    print("Each cell: figure ± spread (ratio = figure ÷ quickjs's figure). ↑ higher is better, "
          "↓ lower is better. Spread: JMH's 99.9% error for JMH figures and the same for raw qjs's "
          "iterations; the standard deviation of the hyperfine runs (cold start, median shown); "
          "half the range of the memory runs (median shown). A JMH row with no ± had one "
          "iteration. 10: engines that hand the Java string over without copying score ~0. "
          "14d, 14f: an engine that lacks the form measures the method call it stands for "
          "(GraalJS bean.getName(), Rhino m.put('a', i); README). 16b, 16c: Handlebars cannot "
          "read a Java Map model in the other engines (README).")
    print()
    print("![ratios to quickjs](chart.svg)")
    print()
    if "cold" in data.get("quickjs", {}):
        print("| target (issues 5 and 18) | this run | |")
        print("|---|---|---|")
        for line in targets(data):
            print(line)
    lines = boundary_targets(data)
    if lines:
        print()
        print("| target (issue 15) | this run | |")
        print("|---|---|---|")
        for line in lines:
            print(line)
    qt, _ = microbench(os.path.join(d, "quickjs", "microbench.txt"))
    rt, _ = microbench(os.path.join(d, "qjs", "microbench.txt"))
    common = [t for t in qt if t in rt and rt[t] > 0]
    if common:
        print()
        print("<details><summary>12. microbench.js per test: ns, quickjs through javax.script ÷ raw qjs</summary>")
        print()
        print("| test | quickjs (JSR-223) | raw qjs | ratio |")
        print("|---|---:|---:|---:|")
        for t in common:
            print(f"| {t} | {qt[t]:,.2f} | {rt[t]:,.2f} | {qt[t] / rt[t]:.2f} |")
        print()
        print("</details>")
    print()
    envp = os.path.join(d, "env.txt")
    if os.path.exists(envp):
        for line in open(envp):
            print(f"- {line.rstrip()}")
    for c in cols:
        lp = os.path.join(d, c, "load.txt")
        if os.path.exists(lp):
            rerun = " (re-run: the first run was disturbed)" if os.path.isdir(os.path.join(d, c + ".disturbed")) else ""
            print(f"- {c}: {open(lp).read().strip()}{rerun}")


if __name__ == "__main__":
    main()
