/**
 * One benchmark case in its own process, so peak RSS belongs to that case alone:
 *   node --import tsx bench/normalize-case.ts <flat|nested|native> <rows>
 * Prints one JSON line: { rows, seconds, cpuSeconds, bytes, files, peakRssMb }. `cpuSeconds` (user +
 * system, all threads) is steadier than wall time on a shared machine; DuckDB's COPY uses threads.
 */
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DuckDBInstance } from "@duckdb/node-api";
import { Extractor } from "../src/extract/extract.js";
import { newPipelineState } from "../src/state/pipeline-state.js";
import { Schema } from "../src/schema/schema.js";
import { resource } from "../src/source/resource.js";
import type { ColumnHint } from "../src/schema/types.js";
import { flatRow, flatRows, nestedRecords } from "./data.js";
import { writeNativeBaseline } from "./native.js";

const [kind = "flat", countText = "1000000"] = process.argv.slice(2);
const count = Number(countText);
const directory = await mkdtemp(join(tmpdir(), "dlt-athena-bench-"));

async function folderBytes(): Promise<{ bytes: number; files: number }> {
  const names = await readdir(directory);
  let bytes = 0;
  for (const name of names) bytes += (await stat(join(directory, name))).size;
  return { bytes, files: names.length };
}

const started = performance.now();
if (kind === "native") {
  await writeNativeBaseline(directory, count, flatRow);
} else {
  const instance = await DuckDBInstance.create(":memory:");
  const schema = new Schema("bench");
  const data = kind === "flat" ? flatRows(count) : nestedRecords(count);
  const columns: Record<string, ColumnHint> = kind === "flat" ? { amount: { dataType: "decimal", precision: 18, scale: 2 } } : {};
  await new Extractor({
    loadId: "1714392000.1234567",
    directory,
    schema,
    sourceName: "bench",
    state: newPipelineState("bench", "bench"),
    instance,
  }).extract([resource(data, { name: kind, columns })]);
  instance.closeSync();
}
const seconds = (performance.now() - started) / 1000;
const { bytes, files } = await folderBytes();
await rm(directory, { recursive: true, force: true });
const { user, system } = process.cpuUsage();
console.log(JSON.stringify({ rows: count, seconds, cpuSeconds: (user + system) / 1e6, bytes, files, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
