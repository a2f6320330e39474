/**
 * dlt-athena and Python dlt continue each other's loads. Both reach the local engine's DuckDB
 * file: dlt through its duckdb destination (dlt's own tables and Iceberg tables are plain DuckDB
 * tables there; Hive tables are views over Parquet files, which dlt cannot insert into). Each side
 * restores the other's state and schema from the destination alone and loads only new rows.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalProject } from "../support/local-project.js";
import { ensureVenv, PARITY_DIR } from "./venv.js";

const SCRIPT = `
import { incremental, pipeline, resource } from "dlt-athena";
const rows = JSON.parse(process.env.ROWS);
const cursor = incremental("u");
await pipeline({ pipelineName: "interop", datasetName: "interop_data", destination: "athena" }).run(
  resource(rows, { name: "events", primaryKey: "id", tableFormat: "iceberg", incremental: cursor }),
);
console.log(JSON.stringify({ start: cursor.startValue ?? null }));
`;

const project = new LocalProject();
let python: string;

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, CI: "true" } });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
    child.on("error", reject);
    child.on("close", (status) => (status === 0 ? resolve(out) : reject(new Error(`${command} exited ${String(status)}: ${err.slice(-3000)}`))));
  });
}

function ours(rows: unknown[]): { start: unknown } {
  const result = project.cli(["run", "pipeline.ts", "--local"], { ROWS: JSON.stringify(rows) });
  expect(result.status, result.stderr).toBe(0);
  // The script prints one JSON line; the CLI's run summary follows it on stdout.
  const line = result.stdout.split("\n").find((l) => l.startsWith('{"start":'));
  expect(line, result.stdout).toBeDefined();
  return JSON.parse(line!) as { start: unknown };
}

function ids(): number[] {
  return project.rows("SELECT id FROM interop_data.events ORDER BY id", { pipelineName: "interop" }).map((r) => Number(r.id));
}

beforeAll(async () => {
  python = await ensureVenv();
  project.create({ "pipeline.ts": SCRIPT });
}, 1_800_000);
afterAll(() => project.cleanup());

describe("a destination both dlt and dlt-athena continue", () => {
  const database = () => join(project.dir, ".dlt", "local", "athena.duckdb");

  it("dlt restores our state and schema and loads only what is new at the boundary", async () => {
    expect(ours([{ id: 1, u: 10 }, { id: 2, u: 20 }]).start).toBeNull();
    const output = await run(python, [
      join(PARITY_DIR, "interop_dlt.py"),
      database(),
      join(project.root, "dlt-pipelines"),
      JSON.stringify([{ id: 2, u: 20 }, { id: 3, u: 30 }]),
    ]);
    const dlt = JSON.parse(output.trim().split("\n").at(-1)!) as { start: unknown; schema_tables: string[]; ids: number[] };
    expect(dlt.start).toBe(20);
    expect(dlt.schema_tables).toContain("events");
    expect(dlt.ids).toEqual([1, 2, 3]);
  }, 600_000);

  it("we restore dlt's state and schema from the destination and load only what is new", () => {
    // A fresh machine: no working folder, only the destination.
    rmSync(join(project.pipelinesDir, "interop"), { recursive: true, force: true });
    expect(ours([{ id: 3, u: 30 }, { id: 4, u: 40 }]).start).toBe(30);
    expect(ids()).toEqual([1, 2, 3, 4]);
  }, 600_000);
});
