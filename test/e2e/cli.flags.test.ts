import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli } from "../support/cli.js";
import { LocalProject, parseRun } from "../support/local-project.js";

// Each documented flag changes what the CLI does: every test here compares a run with the flag
// against one without it, so a flag that is parsed but ignored fails.
const PIPELINE = `
import { pipeline } from "dlt-athena";

await pipeline({ pipelineName: "flags_pipeline", destination: "athena", datasetName: "flags_data" })
  .run([{ id: 1, name: "a" }, { id: 2, name: "b" }], { tableName: "things" });
`;

const project = new LocalProject({ project: "proj" });

beforeAll(() => {
  project.create({ "flags_pipeline.ts": PIPELINE });
});
afterAll(() => project.cleanup());

/** The CLI run from the folder above the project (where no `.dlt/` is). */
function fromParent(args: readonly string[]) {
  return runCli(args, { cwd: project.root, env: project.env });
}

describe("global --project-dir", () => {
  it("reads .dlt/ and keeps local data in the given folder, not the current one", () => {
    // `local = true` in the project's config.toml: only found through --project-dir.
    project.write({ ".dlt/config.toml": "[destination.athena]\nlocal = true\n" });
    try {
      const run = parseRun(fromParent(["--project-dir", "proj", "run", "proj/flags_pipeline.ts", "--json"]));
      expect(run.loads[0]).toMatchObject({ pipeline_name: "flags_pipeline", dataset_name: "flags_data" });
      expect(existsSync(join(project.dir, ".dlt", "local"))).toBe(true);
      expect(existsSync(join(project.root, ".dlt"))).toBe(false);

      const counted = fromParent(["--project-dir", "proj", "query", "SELECT count(*) AS n FROM flags_data.things", "--json"]);
      expect(counted.status, counted.stderr).toBe(0);
      expect(JSON.parse(counted.stdout).rows).toEqual([{ n: 2 }]);

      const elsewhere = fromParent(["query", "SELECT count(*) AS n FROM flags_data.things", "--local", "--json"]);
      expect(elsewhere.status).toBe(2);
      expect(JSON.parse(elsewhere.stdout).error.code).toBe("no_local_data");
    } finally {
      project.write({ ".dlt/config.toml": "" });
    }
  });
});

describe("run --dataset and --pipeline-name", () => {
  it("load into the given dataset under the given pipeline name instead of the script's", () => {
    const run = project.cli(["run", "flags_pipeline.ts", "--local", "--json", "--dataset", "other_data", "--pipeline-name", "other_pipeline"]);
    const document = parseRun(run);
    expect(document.loads[0]).toMatchObject({ pipeline_name: "other_pipeline", dataset_name: "other_data" });
    expect(project.rows("SELECT id, name FROM other_data.things ORDER BY id")).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    // The pipeline's own dataset, through its state: query --pipeline-name resolves unqualified names there.
    expect(project.rows("SELECT count(*) AS n FROM things", { pipelineName: "other_pipeline" })).toEqual([{ n: 2 }]);
  });
});

describe("query --types, --csv and --json", () => {
  beforeAll(() => {
    project.run("flags_pipeline.ts");
  });

  it("--types adds each column's type under its name; without it no type is shown", () => {
    const sql = "SELECT DISTINCT id, name FROM flags_data.things ORDER BY id";
    const typed = project.cli(["query", sql, "--local", "--types"]);
    const plain = project.cli(["query", sql, "--local"]);
    expect(typed.status, typed.stderr).toBe(0);
    expect(plain.status, plain.stderr).toBe(0);
    expect(typed.stdout).toMatch(/bigint/);
    expect(typed.stdout).toMatch(/varchar/);
    expect(plain.stdout).not.toMatch(/bigint|varchar/);
    expect(plain.stdout).toMatch(/\ba\b/);
  });

  it("--csv prints a header line and one line per row; --json one document", () => {
    const sql = "SELECT DISTINCT id, name FROM flags_data.things ORDER BY id";
    const csv = project.cli(["query", sql, "--local", "--csv"]);
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split(/\r?\n/)).toEqual(["id,name", "1,a", "2,b"]);
    expect(project.query(sql).rows).toEqual([{ id: 1, name: "a" }, { id: 2, name: "b" }]);
  });

  it("--local picks the embedded engine: without it (and without AWS config) the query goes to Athena and fails", () => {
    const remote = project.cli(["query", "SELECT 1 AS one", "--json"], { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined });
    expect(remote.status).not.toBe(0);
    expect(JSON.parse(remote.stdout).status).toBe("error");
    expect(project.query("SELECT 1 AS one").rows).toEqual([{ one: 1 }]);
  });
});

describe("progress output", () => {
  // `script` gives the CLI a pseudo-terminal for stdin, stdout and stderr, as a person's shell would.
  const hasScript = spawnSync("script", ["--version"]).status === 0;

  function underTerminal(env: Record<string, string | undefined>): string {
    const command = `stty cols 120 rows 40; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} run flags_pipeline.ts --local`;
    const result = spawnSync("script", ["-qec", command, "/dev/null"], {
      cwd: project.dir,
      env: { ...process.env, ...project.env, TERM: "xterm", ...env },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    return result.stdout;
  }

  it.runIf(hasScript)("shows a spinner on a terminal, and none when CI is set", () => {
    const person = underTerminal({ CI: undefined });
    const ci = underTerminal({ CI: "true" });
    expect(person).toMatch(/extracting|loading|starting/);
    expect(ci).not.toMatch(/extracting|loading|starting/);
    // Both still print the summary.
    expect(ci).toMatch(/flags_pipeline/);
    expect(person).toMatch(/flags_pipeline/);
  });
});
