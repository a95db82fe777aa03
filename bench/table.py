#!/usr/bin/env python3
"""Markdown table from a JMH JSON result file: table.py results.json [env.txt] > table.md"""
import json
import sys

# targets: benchmark method -> (comparison, value, unit it is stated in)
TARGETS = {
    "invokeAdd": ("<=", 150.0, "ns/op"),
    "putEval": (">=", 455_000.0, "ops/s"),
}


def num(x):
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}" if abs(x) >= 1 else f"{x:.4f}"


rows = json.load(open(sys.argv[1]))
print("| benchmark | engine | mode | score | error (99.9%) | units | target |")
print("|---|---|---|---:|---:|---|---|")
for r in rows:
    name = r["benchmark"].rsplit(".", 2)
    method = name[-1]
    engine = r.get("params", {}).get("engine", "quickjs")
    m = r["primaryMetric"]
    score, err, unit = m["score"], m["scoreError"], m["scoreUnit"]
    target = ""
    if method in TARGETS and unit == TARGETS[method][2]:
        op, value, u = TARGETS[method]
        met = score <= value if op == "<=" else score >= value
        target = f"{op} {num(value)} {u}: {'met' if met else '**missed**'}"
    err = float(err)  # JMH writes "NaN" (a string) when there is a single iteration
    error = "n/a" if err != err else f"± {num(err)}"
    print(f"| {name[-2]}.{method} | {engine} | {r['mode']} | {num(score)} | {error} | {unit} | {target} |")

if len(sys.argv) > 2:
    print()
    for line in open(sys.argv[2]):
        print(f"- {line.rstrip()}")
