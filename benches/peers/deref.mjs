// Dereferences every $ref of a description with @apidevtools/json-schema-ref-parser;
// prints the wall time of each run in seconds. Usage: node deref.mjs FILE RUNS
import $RefParser from "@apidevtools/json-schema-ref-parser";
import { readFileSync } from "node:fs";

const [file, runs = "5"] = process.argv.slice(2);
const times = [];
for (let i = 0; i < Number(runs); i++) {
  const start = performance.now();
  // Parse inside the timing, as the Rust side does.
  const doc = JSON.parse(readFileSync(file, "utf8"));
  await $RefParser.dereference(doc, { dereference: { circular: "ignore" } });
  times.push((performance.now() - start) / 1000);
}
console.log(JSON.stringify({ peer: "json-schema-ref-parser dereference", seconds: times }));
