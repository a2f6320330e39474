/**
 * Normalize+write throughput: each case runs in its own process (bench/normalize-case.ts) so its
 * peak RSS is its own. Compares our pipeline with the native DuckDB baseline (flat) and with dlt
 * (both shapes) where Python is available.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runDlt } from "./dlt.js";
import type { BenchRow } from "./run.js";

const CASE = fileURLToPath(new URL("./normalize-case.ts", import.meta.url));

interface CaseFigure {
  readonly rows: number;
  readonly seconds: number;
  readonly bytes: number;
  readonly peakRssMb: number;
}

function runCase(kind: "flat" | "nested" | "native", rows: number): CaseFigure {
  const output = execFileSync(process.execPath, ["--import", "tsx", CASE, kind, String(rows)], { encoding: "utf8" });
  return JSON.parse(output.trim().split("\n").pop()!) as CaseFigure;
}

function figures(f: CaseFigure): Record<string, string | number> {
  return {
    "rows/s": Math.round(f.rows / f.seconds),
    seconds: f.seconds.toFixed(2),
    "output MB": (f.bytes / 1e6).toFixed(1),
    "peak RSS MB": Math.round(f.peakRssMb),
  };
}

export async function benchNormalize(options: { flatRows?: number; nestedRecords?: number; withDlt?: boolean } = {}): Promise<BenchRow[]> {
  const flatRows = options.flatRows ?? 1_000_000;
  const nestedCount = options.nestedRecords ?? 200_000;
  const native = runCase("native", flatRows);
  const flat = runCase("flat", flatRows);
  const nested = runCase("nested", nestedCount);
  const rows: BenchRow[] = [
    { name: `native baseline, ${flatRows} flat rows (DuckDB chunks → Parquet)`, figures: figures(native) },
    { name: `dlt-athena normalize+write, ${flatRows} flat rows`, figures: { ...figures(flat), "vs native": `${((native.seconds / flat.seconds) * 100).toFixed(0)}%` } },
    { name: `dlt-athena normalize+write, ${nestedCount} nested records`, figures: figures(nested) },
  ];
  if (options.withDlt === false) return rows;
  for (const [kind, count, ours] of [["flat", flatRows, flat], ["nested", nestedCount, nested]] as const) {
    const dlt = runDlt(kind, count);
    if (!dlt) {
      rows.push({ name: `dlt ${kind}`, figures: { skipped: "python or dlt not available" } });
      continue;
    }
    rows.push({
      name: `dlt ${dlt.version} extract+normalize to Parquet, ${count} ${kind} records`,
      figures: { ...figures(dlt), "dlt-athena speed-up": `${(dlt.seconds / ours.seconds).toFixed(2)}x` },
    });
  }
  return rows;
}
