/**
 * Wall time and peak RSS of `dlt-athena run --local` through the built CLI: the offline demo (first
 * run, on an empty project) and 1,000,000 flat rows. Peak RSS comes from GNU time when the machine
 * has it (`/usr/bin/time`, Debian package `time`); without it only wall time is reported.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./run.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "dlt-athena.js");
const GNU_TIME = "/usr/bin/time";

const FLAT_SCRIPT = `
import { pipeline, resource } from "dlt-athena";
import { flatRows } from "${join(ROOT, "bench", "data.ts")}";
await pipeline({ pipelineName: "bench_flat", datasetName: "bench_flat" }).run(
  resource(flatRows(1_000_000), { name: "flat", columns: { amount: { dataType: "decimal", precision: 18, scale: 2 } } }),
);
`;

function runTimed(args: string[], cwd: string, env: NodeJS.ProcessEnv): { seconds: number; peakRssMb?: number } {
  const useTime = existsSync(GNU_TIME);
  const started = performance.now();
  const result = useTime
    ? spawnSync(GNU_TIME, ["-f", "%M", process.execPath, BIN, ...args], { cwd, env, encoding: "utf8" })
    : spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`dlt-athena ${args.join(" ")} failed:\n${result.stderr}`);
  const kb = useTime ? Number(result.stderr.trim().split("\n").pop()) : NaN;
  return { seconds, ...(Number.isFinite(kb) ? { peakRssMb: kb / 1024 } : {}) };
}

function project(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), "dlt-athena-bench-local-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "dlt-athena"), "dir");
  return { dir, env: { ...process.env, CI: "true", PIPELINE__PIPELINES_DIR: join(dir, "pipelines") } };
}

function figures(f: { seconds: number; peakRssMb?: number }): Record<string, string | number> {
  return { seconds: f.seconds.toFixed(2), "peak RSS MB": f.peakRssMb === undefined ? "n/a (no GNU time)" : Math.round(f.peakRssMb) };
}

export async function benchLocal(): Promise<BenchRow[]> {
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  const rows: BenchRow[] = [];
  const demo = project();
  try {
    rows.push({ name: "run --local: demo, first run", figures: figures(runTimed(["run", join(ROOT, "examples", "demo_pipeline.ts"), "--local"], demo.dir, demo.env)) });
    rows.push({ name: "run --local: demo, second run", figures: figures(runTimed(["run", join(ROOT, "examples", "demo_pipeline.ts"), "--local"], demo.dir, demo.env)) });
  } finally {
    rmSync(demo.dir, { recursive: true, force: true });
  }
  const flat = project();
  try {
    writeFileSync(join(flat.dir, "flat_pipeline.ts"), FLAT_SCRIPT);
    rows.push({ name: "run --local: 1,000,000 flat rows", figures: figures(runTimed(["run", "flat_pipeline.ts", "--local"], flat.dir, flat.env)) });
  } finally {
    rmSync(flat.dir, { recursive: true, force: true });
  }
  return rows;
}
