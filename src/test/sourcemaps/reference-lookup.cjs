// The reference the source-map tests compare our decoder with: @jridgewell/trace-mapping (the
// decoder behind many JavaScript tools), run by node over every position of a generated file.
//
// Usage: node reference-lookup.cjs <node_modules> <generated.js> <map.json> <map-url>
// Prints one line per generated position (every UTF-16 column of every line, and one past the
// end): line0 TAB column0 TAB source TAB line1 TAB column0 TAB name ("-" for none).
"use strict";
const fs = require("fs");
const path = require("path");
const [modules, generatedFile, mapFile, mapUrl] = process.argv.slice(2);
const { FlattenMap, originalPositionFor } = require(path.join(modules, "@jridgewell/trace-mapping"));

// FlattenMap reads index maps (sections) as well as regular ones
const map = new FlattenMap(fs.readFileSync(mapFile, "utf8"), mapUrl);
const lines = fs.readFileSync(generatedFile, "utf8").split("\n");
const out = [];
lines.forEach((text, line) => {
  for (let column = 0; column <= text.length; column++) {
    const p = originalPositionFor(map, { line: line + 1, column });
    out.push([line, column, p.source ?? "-", p.line ?? "-", p.column ?? "-", p.name ?? "-"].join("\t"));
  }
});
process.stdout.write(out.join("\n") + "\n");
