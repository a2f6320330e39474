/**
 * Exactly once over the AWS path on a real engine (the sandbox's Trino behind the Athena
 * protocol): the CLI SIGKILLed at load boundaries and rerun, and two runs of one pipeline at once.
 * Tables are read back from Trino row by row. The local engine's full matrix is in test/crash/.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "../support/cli.js";
import { SandboxProject, trinoRows } from "../support/trino-sandbox.js";
import { CRASH_SCRIPT } from "../crash/crash-script.js";

const projects: SandboxProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

function newProject(files: Record<string, string>): SandboxProject {
  const project = new SandboxProject().create(files);
  projects.push(project);
  return project;
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** The tables after one run to UP_TO=5, whatever was killed before the rerun. */
async function expectTablesOnce(ds: string): Promise<void> {
  expect(await trinoRows(`SELECT id, name, _dlt_load_id IS NOT NULL AS has_load FROM awsdatacatalog.${ds}.events ORDER BY id`)).toEqual(
    ids(5).map((id) => ({ id, name: `event ${id}`, has_load: true })),
  );
  expect(await trinoRows(`SELECT id FROM awsdatacatalog.${ds}.items ORDER BY id`)).toEqual(ids(5).map((id) => ({ id })));
  expect((await trinoRows(`SELECT value FROM awsdatacatalog.${ds}.items__tags ORDER BY value`)).map((r) => r["value"])).toEqual(
    ids(5).flatMap((id) => [`a${id}`, `b${id}`]).sort(),
  );
  expect(await trinoRows(`SELECT id, name FROM awsdatacatalog.${ds}.customers ORDER BY id`)).toEqual(ids(5).map((id) => ({ id, name: `customer ${id} of 5` })));
  expect(await trinoRows(`SELECT id, taken FROM awsdatacatalog.${ds}.snapshot ORDER BY id`)).toEqual(ids(5).map((id) => ({ id, taken: 5 })));
  const [loads] = await trinoRows(`SELECT count(*) AS n, count(DISTINCT load_id) AS d FROM awsdatacatalog.${ds}._dlt_loads`);
  expect(loads!["n"]).toBe(loads!["d"]);
  const [versions] = await trinoRows(`SELECT count(*) AS n, count(DISTINCT version_hash) AS d FROM awsdatacatalog.${ds}._dlt_version`);
  expect(versions!["n"]).toBe(versions!["d"]);
  const [states] = await trinoRows(`SELECT count(*) AS n, count(DISTINCT version) AS d FROM awsdatacatalog.${ds}._dlt_pipeline_state`);
  expect(states!["n"]).toBe(states!["d"]);
  const [orphans] = await trinoRows(
    `SELECT count(*) AS n FROM awsdatacatalog.${ds}.items WHERE _dlt_load_id NOT IN (SELECT load_id FROM awsdatacatalog.${ds}._dlt_loads)`,
  );
  expect(orphans!["n"]).toBe(0);
}

const KILL_POINTS = ["extract:normalized", "step:recordSchema", "step:insertFromStaging", "journal:insertFromStaging", "step:mergeDeleteInsert", "step:recordLoad"];

describe("SIGKILL at a load boundary on the AWS path, then a rerun: every row exactly once", () => {
  for (const point of KILL_POINTS) {
    it(`killed at ${point}`, () => {
      const project = newProject({ "crash.ts": CRASH_SCRIPT });
      const ds = `crash_${point.replace(/\W+/g, "_").toLowerCase()}_${project.prefix}`;
      const killed = project.runRaw("crash.ts", { UP_TO: "5", DATASET: ds, DLT_ATHENA_KILL_AT: point });
      expect(killed.status, `the run should have been killed at ${point}\n${killed.stderr}`).toBeNull();
      const rerun = project.runRaw("crash.ts", { UP_TO: "5", DATASET: ds });
      expect(rerun.status, rerun.stderr).toBe(0);
      return expectTablesOnce(ds);
    });
  }
});

const SLOW_SCRIPT = `
import { incremental, pipeline, resource } from "dlt-athena";
const upTo = Number(process.env.UP_TO ?? "4");
const slowMs = Number(process.env.SLOW_MS ?? "0");
const orders = resource(
  async function* ({ incremental: cursor }) {
    for (let id = cursor?.lastValue ?? 1; id <= upTo; id++) {
      if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
      yield { id };
    }
  },
  { name: "orders", tableFormat: "iceberg", incremental: incremental("id", { initialValue: 1, primaryKey: "id" }) },
);
await pipeline({ pipelineName: "concurrent", destination: "athena", datasetName: process.env.DATASET }).run(orders);
`;

describe("two runs of one pipeline at once on the AWS path", () => {
  it("the second exits at once naming the holder; with --wait it runs after; rows load once", async () => {
    const project = newProject({ "slow.ts": SLOW_SCRIPT });
    const ds = `concurrent_${project.prefix}`;
    const lock = join(project.pipelinesDir, "concurrent", "pipeline.lock");
    const env = { ...process.env, CI: "true", ...project.env, UP_TO: "4", DATASET: ds };
    const first = spawn(process.execPath, [BIN, "run", "slow.ts"], { cwd: project.dir, env: { ...env, SLOW_MS: "1500" } });
    const firstDone = new Promise<number | null>((resolve) => first.on("close", resolve));
    const deadline = Date.now() + 120_000;
    // The lock file is created, then written: wait until it names its holder (the script's process).
    const holderPid = (): number | undefined => {
      try {
        return (JSON.parse(readFileSync(lock, "utf8")) as { pid: number }).pid;
      } catch {
        return undefined;
      }
    };
    while (holderPid() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const holder = holderPid();
    const second = project.runRaw("slow.ts", { UP_TO: "4", DATASET: ds });
    expect(second.status).toBe(1);
    expect(holder).toBeDefined();
    expect(second.stdout + second.stderr).toContain(`PID ${holder}`);
    expect(second.stdout + second.stderr).toContain(lock);
    const waited = spawn(process.execPath, [BIN, "run", "slow.ts", "--wait", "600"], { cwd: project.dir, env });
    const waitedDone = new Promise<number | null>((resolve) => waited.on("close", resolve));
    expect(await firstDone).toBe(0);
    expect(await waitedDone).toBe(0);
    expect(await trinoRows(`SELECT id FROM awsdatacatalog.${ds}.orders ORDER BY id`)).toEqual(ids(4).map((id) => ({ id })));
  });
});
