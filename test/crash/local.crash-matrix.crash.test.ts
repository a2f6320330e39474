/**
 * The crash matrix on the local engine: the CLI is SIGKILLed at one boundary of a first run
 * (UP_TO=5) and at one of a second run (UP_TO=10, a new column), each followed by a plain rerun;
 * the final tables must then hold every row exactly once, as if nothing had been killed.
 *
 * Boundaries are chosen with the `DLT_ATHENA_KILL_AT` hook (src/util/kill-point.ts): extract
 * batches, the package's state, job and manifest files, the normalized mark, the working folder's
 * schema, each statement kind after it committed and before its journal line, journal lines
 * themselves, and the package's loaded mark.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalProject } from "../support/local-project.js";
import type { CliResult } from "../support/cli.js";
import { CRASH_SCRIPT, EXPECTED_FINAL_TABLES, FINAL_TABLES_SQL } from "./crash-script.js";

// [kill point of the first run, kill point of the second run]
const MATRIX: ReadonlyArray<readonly [string, string]> = [
  ["extract:batch", "extract:batch"],
  ["extract:state", "extract:jobs"],
  ["extract:normalized", "extract:folder-schema"],
  ["step:createDatabase", "step:addColumns"],
  ["step:createIcebergTable", "started:addColumns"],
  ["step:createExternalTable", "step:uploadFiles"],
  ["step:recordSchema", "step:recordSchema"],
  ["step:uploadFiles", "step:deleteTableFiles"],
  ["step:insertFromStaging", "step:insertFromStaging#2"],
  ["journal:insertFromStaging", "step:deleteAll"],
  ["step:mergeDeleteInsert", "step:mergeDeleteInsert"],
  ["step:recordLoad", "step:recordLoad"],
  ["load:executed", "load:loaded"],
  ["started:insertFromStaging", "started:recordLoad"],
];

const projects: LocalProject[] = [];
afterAll(() => {
  for (const project of projects) project.cleanup();
});

function expectKilled(result: CliResult, point: string): void {
  // Killed by the hook: no exit status (the signal ends it); a typo in a point would let it finish.
  expect(result.status, `the run should have been killed at ${point}\n${result.stderr}`).toBeNull();
}

async function runTo(project: LocalProject, env: Record<string, string>): Promise<CliResult> {
  return project.cliAsync(["run", "crash.ts", "--local", "--json"], env);
}

describe.concurrent("SIGKILL at a load boundary, then a rerun: every row exactly once (local engine)", () => {
  for (const [first, second] of MATRIX) {
    it(`killed at ${first} in the first run and at ${second} in the second`, async () => {
      const project = new LocalProject().create({ "crash.ts": CRASH_SCRIPT });
      projects.push(project);
      const firstRun = { UP_TO: "5" };
      const secondRun = { UP_TO: "10", WITH_COLOR: "1" };
      expectKilled(await runTo(project, { ...firstRun, DLT_ATHENA_KILL_AT: first }), first);
      expect((await runTo(project, firstRun)).status).toBe(0);
      expectKilled(await runTo(project, { ...secondRun, DLT_ATHENA_KILL_AT: second }), second);
      const rerun = await runTo(project, secondRun);
      expect(rerun.status, rerun.stderr).toBe(0);

      const query = await project.cliAsync(["query", FINAL_TABLES_SQL, "--local", "--json"]);
      expect(query.status, query.stderr).toBe(0);
      const [row] = (JSON.parse(query.stdout) as { rows: Record<string, unknown>[] }).rows;
      expect(row).toEqual(EXPECTED_FINAL_TABLES);

      // Nothing half-made is left, and nothing waits to load.
      const packages = join(project.pipelinesDir, "crash", "packages");
      expect(readdirSync(packages).filter((name) => name.startsWith("."))).toEqual([]);
      const states = readdirSync(packages).map((id) => JSON.parse(readFileSync(join(packages, id, "load_package_state.json"), "utf8")).state as string);
      expect(new Set(states)).toEqual(new Set(["loaded"]));
      expect(existsSync(join(project.pipelinesDir, "crash", "pipeline.lock"))).toBe(false);
    });
  }
});

