import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { linkPackage } from "../support/project.js";
import { makeTempDir, writeFiles } from "../support/temp.js";

let dir: string;
let cleanup: () => void;

// A destination written in the script itself: it copies job files and reports them, so `run`
// can be checked end to end before a real destination is involved.
const SCRIPT = `
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pipeline, resource } from "dlt-athena";

const out = join(process.cwd(), "received");
const destination = {
  name: "copy", location: out,
  async loadPackage(pkg) {
    mkdirSync(out, { recursive: true });
    const jobs = await pkg.listJobs("new");
    for (const job of jobs) copyFileSync(job.path, join(out, job.name));
    const manifest = await pkg.readJSON("jobs.json");
    return { jobs: manifest.map((m) => ({ ...m, state: "completed" })), queries: { count: 0, longestChain: 0, seconds: 0 }, warnings: [] };
  },
  async restoreState() { return undefined; },
  async close() {},
};
console.log("a line the script prints");
const p = pipeline({ pipelineName: "from_script", pipelinesDir: join(process.cwd(), "pipelines"), destination });
await p.run(resource([{ id: 1, tags: ["a", "b"] }, { id: 2, tags: [] }], { name: "things" }));
`;

beforeAll(() => {
  ({ dir, cleanup } = makeTempDir());
  writeFiles(dir, {
    "package.json": JSON.stringify({ type: "module" }),
    "ok_pipeline.ts": SCRIPT,
    "broken_pipeline.ts": `throw new Error("boom in user code");\n`,
  });
  linkPackage(dir);
});
afterAll(() => cleanup());

describe("dlt-athena run", () => {
  it("runs a TypeScript pipeline script and prints its load info as one JSON document", () => {
    const result = runCli(["run", "ok_pipeline.ts", "--json", "--pipeline-name", "renamed"], { cwd: dir });
    expect(result.stderr).toContain("a line the script prints");
    expect(result.status).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.status).toBe("ok");
    expect(document.loads).toHaveLength(1);
    const [load] = document.loads;
    expect(load.pipeline_name).toBe("renamed");
    expect(load.tables.map((t: { name: string; rows: number }) => [t.name, t.rows])).toEqual([
      ["_dlt_pipeline_state", 1],
      ["things", 2],
      ["things__tags", 2],
    ]);
    expect(existsSync(join(dir, "pipelines", "renamed", "state.json"))).toBe(true);
    const state = JSON.parse(readFileSync(join(dir, "pipelines", "renamed", "state.json"), "utf8"));
    expect(state.pipeline_name).toBe("renamed");
  });

  it("prints a readable summary on stdout, after the script's own lines, without --json", () => {
    const result = runCli(["run", "ok_pipeline.ts"], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith("a line the script prints\n")).toBe(true);
    expect(result.stdout).toMatch(/Pipeline from_script loaded 1 package\(s\)/);
    expect(result.stdout).toMatch(/things: 2 rows/);
  });

  it("exits 2 naming the file when the script does not exist", () => {
    const result = runCli(["run", "missing_pipeline.ts"], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(join(dir, "missing_pipeline.ts"));
  });

  it("exits 1 with the script's error when the script throws", () => {
    const result = runCli(["run", "broken_pipeline.ts"], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("boom in user code");
  });

  it("logs progress lines and error details to stderr with --verbose or [runtime] log_level, and none by default", () => {
    const quiet = runCli(["run", "ok_pipeline.ts"], { cwd: dir });
    expect(quiet.stderr).not.toMatch(/loading package/);
    const verbose = runCli(["--verbose", "run", "ok_pipeline.ts", "--json"], { cwd: dir });
    expect(verbose.status).toBe(0);
    expect(verbose.stderr).toContain("debug: running");
    expect(verbose.stderr).toMatch(/loading package \d+\.\d+ into copy/);
    expect(JSON.parse(verbose.stdout).status).toBe("ok");
    const info = runCli(["run", "ok_pipeline.ts"], { cwd: dir, env: { RUNTIME__LOG_LEVEL: "info" } });
    expect(info.stderr).toMatch(/loading package \d+\.\d+ into copy/);
    expect(info.stderr).not.toContain("debug:");
    const failing = runCli(["--verbose", "run", "broken_pipeline.ts"], { cwd: dir });
    expect(failing.status).toBe(1);
    expect(failing.stderr).toMatch(/Error: boom in user code\n\s+at /);
  });
});
