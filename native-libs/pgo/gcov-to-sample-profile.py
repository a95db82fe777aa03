#!/usr/bin/env python3
"""Turns gcov's JSON line counts of a training run into a sample profile in LLVM's text format.

Usage: gcov-to-sample-profile.py DIGESTS < gcov-json-lines > profile.txt

Input: one `gcov --json-format --stdout` document per line (gcc 12), from a library built
with `gcc -O0 --coverage` and run on the training scripts (native-libs/pgo/profile.sh).
DIGESTS: the "name sha256" lines build.sh wrote for the sources it compiled; each source file
the profile names goes into the profile's header (build.sh compares them with the sources it
builds and warns when they differ).

Output, the text format clang's -fprofile-sample-use reads (LLVM's "Sample Profile Format",
flat: no inlined callsites, since -O0 inlines nothing):

    # comment lines
    function:total_samples:head_samples
     line_offset: count

where line_offset is a line's number less the function's first line (the line with its name),
count the number of times the line ran, head_samples the number of calls. Executable lines
that never ran are written with 0, so the compiler sees them as cold, not as unknown. The same
function from several translation units (a static inline function of a header) is summed. A
name that two different functions share (static functions of two files) is left out: the
format keys functions by name only.
"""
import json
import os
import sys


def main():
    digests = {}
    with open(sys.argv[1], encoding='utf-8') as f:
        for line in f:
            name, _, digest = line.strip().partition(' ')
            if name:
                digests[name] = digest
    # (file, function) -> [start_line, calls, {line: count}]
    funcs = {}
    for doc_line in sys.stdin:
        doc_line = doc_line.strip()
        if not doc_line:
            continue
        doc = json.loads(doc_line)
        for f in doc['files']:
            base = os.path.basename(f['file'])
            starts = {}
            for fn in f['functions']:
                key = (base, fn['name'])
                starts[fn['name']] = fn['start_line']
                entry = funcs.setdefault(key, [fn['start_line'], 0, {}])
                if entry[0] != fn['start_line']:
                    raise SystemExit('%s: %s starts at %d and at %d' % (base, fn['name'], entry[0], fn['start_line']))
                entry[1] += fn['execution_count']
            for ln in f['lines']:
                name = ln.get('function_name')
                if name is None or (base, name) not in funcs:
                    continue
                counts = funcs[(base, name)][2]
                counts[ln['line_number']] = counts.get(ln['line_number'], 0) + ln['count']
    by_name = {}
    for (base, name), entry in funcs.items():
        by_name.setdefault(name, []).append((base, entry))
    out = []
    dropped = []
    files = set()
    for name in sorted(by_name):
        defs = by_name[name]
        ran = [(b, e) for b, e in defs if sum(e[2].values()) > 0]
        if not ran:
            continue
        if len(defs) > 1:
            dropped.append('%s (%s)' % (name, ', '.join(sorted(b for b, _ in defs))))
            continue
        base, (start, calls, counts) = defs[0]
        files.add(base)
        body = []
        for line in sorted(counts):
            off = line - start
            if off < 0:
                continue
            body.append((off, counts[line]))
        total = sum(c for _, c in body)
        # gcov counts a function's entries as the runs of its first block, which a loop may
        # jump back to (JS_CallInternal's dispatch does): the first line's count is the calls
        if start in counts:
            calls = min(calls, counts[start])
        out.append('%s:%d:%d' % (name, total, calls))
        out.extend(' %d: %d' % (off, c) for off, c in body)
    missing = sorted(f for f in files if f not in digests)
    if missing:
        raise SystemExit('no digest for the sources ' + ', '.join(missing))
    print('# Sample profile (LLVM text format) of the release libraries: line counts of a training')
    print('# run, made by native-libs/pgo/profile.sh (see native-libs/pgo/README.md). Generated: do')
    print('# not edit; run `sh native-libs/pgo/profile.sh` again when the sources below change.')
    for f in sorted(files):
        print('# source %s %s' % (f, digests[f]))
    for d in dropped:
        print('# left out, a name of several functions: %s' % d)
    print('\n'.join(out))


if __name__ == '__main__':
    main()
