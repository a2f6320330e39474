/**
 * Exactly once, through the CLI as a user runs it: one run per pipeline at a time (a lock),
 * SIGTERM at a safe point, a package that fails for good and does not block the fixed script,
 * bad resource options and names refused with exit code 2 before anything is written.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "../support/cli.js";
import { LocalProject } from "../support/local-project.js";

const SCRIPT = `
import { incremental, pipeline, resource } from "dlt-athena";

const upTo = Number(process.env.UP_TO ?? "3");
const slowMs = Number(process.env.SLOW_MS ?? "0");
const orders = resource(
  async function* ({ incremental: cursor }) {
    for (let id = cursor?.lastValue ?? 1; id <= upTo; id++) {
      if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
      yield { id, name: \`order \${id}\` };
    }
  },
  {
    name: "orders",
    incremental: incremental("id", { initialValue: 1, primaryKey: "id" }),
    ...(process.env.FORMAT ? { tableFormat: process.env.FORMAT } : {}),
    ...(process.env.DISPOSITION ? { writeDisposition: process.env.DISPOSITION } : {}),
  },
);
await pipeline({ pipelineName: process.env.NAME ?? "shop", destination: "athena", datasetName: "shop_data" }).run(orders);
`;

const project = new LocalProject().create({ "shop.ts": SCRIPT });
afterAll(() => project.cleanup());
const lockFile = () => join(project.pipelinesDir, "shop", "pipeline.lock");
const ids = () => project.rows("SELECT id FROM shop_data.orders ORDER BY id").map((r) => Number(r["id"]));

/** Starts `run shop.ts --local` in the background; resolves with its exit status and output. */
function startRun(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [BIN, "run", "shop.ts", "--local", ...args], { cwd: project.dir, env: { ...process.env, CI: "true", ...project.env, ...env } });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<{ status: number | null; stderr: string }>((resolve) => child.on("close", (status) => resolve({ status, stderr })));
  return { child, done };
}

/** The lock file's holder, once the lock exists and its holder has written it. */
function lockHolder(): { pid: number; started_at: string } | undefined {
  try {
    return JSON.parse(readFileSync(lockFile(), "utf8")) as { pid: number; started_at: string };
  } catch {
    return undefined;
  }
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("one run per pipeline at a time", () => {
  it("a second run exits at once naming the holder and the lock file; --wait waits; every row loads once", async () => {
    const first = startRun({ UP_TO: "6", SLOW_MS: "400" });
    await until(() => lockHolder() !== undefined);
    const holder = lockHolder()!;
    const started = Date.now();
    const second = project.cli(["run", "shop.ts", "--local"], { UP_TO: "6" });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`PID ${holder.pid}`);
    expect(second.stderr).toContain(holder.started_at);
    expect(second.stderr).toContain(lockFile());
    const waiting = startRun({ UP_TO: "6" }, ["--wait", "120"]);
    expect((await first.done).status).toBe(0);
    const waited = await waiting.done;
    expect(waited.status, waited.stderr).toBe(0);
    expect(ids()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(existsSync(lockFile())).toBe(false);
  });

  it("SIGTERM stops at the next safe point with exit code 143 and releases the lock; the rerun loads each row once", async () => {
    const run = startRun({ UP_TO: "12", SLOW_MS: "300" });
    await until(() => lockHolder() !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 600));
    run.child.kill("SIGTERM");
    const stopped = await run.done;
    expect(stopped.status, stopped.stderr).toBe(143);
    expect(stopped.stderr).toContain("SIGTERM");
    expect(existsSync(lockFile())).toBe(false);
    const packages = join(project.pipelinesDir, "shop", "packages");
    const rerun = project.cli(["run", "shop.ts", "--local"], { UP_TO: "12" });
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(ids()).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(readdirSync(packages).filter((name) => name.startsWith("."))).toEqual([]);
  });
});

describe("a package that fails for good", () => {
  it("is marked failed with its reason, listed by info and failed-jobs, and the fixed script loads normally", () => {
    const broken = project.cli(["run", "shop.ts", "--local", "--json"], { UP_TO: "15", FORMAT: "iceberg" });
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ status: "error", error: { code: "table_format_change" } });

    const failedJobs = project.cli(["pipeline", "shop", "failed-jobs", "--local", "--json"]);
    expect(failedJobs.status, failedJobs.stderr).toBe(0);
    const jobs = (JSON.parse(failedJobs.stdout) as { failed_jobs: Array<{ table: string; failure: string }> }).failed_jobs;
    expect(jobs.map((j) => j.table)).toContain("orders");
    expect(jobs[0]?.failure).toContain("table_format_change");
    const info = JSON.parse(project.cli(["pipeline", "shop", "info", "--local", "--json"]).stdout) as { packages: Array<{ status: string; failure?: string }> };
    expect(info.packages.filter((p) => p.status === "failed")).toEqual([expect.objectContaining({ failure: expect.stringContaining("hive table") })]);

    // The fixed script: the failed package does not block it, and its rows come again, once.
    const fixed = project.cli(["run", "shop.ts", "--local"], { UP_TO: "15" });
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(ids()).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const again = project.cli(["run", "shop.ts", "--local"], { UP_TO: "15" });
    expect(again.status, again.stderr).toBe(0);
  });

  it("drop-pending-packages discards the packages waiting to load", () => {
    const killed = project.cli(["run", "shop.ts", "--local"], { UP_TO: "17", DLT_ATHENA_KILL_AT: "extract:normalized" });
    expect(killed.status).toBeNull();
    const dropped = project.cli(["pipeline", "shop", "drop-pending-packages", "--local", "--json"]);
    expect(dropped.status, dropped.stderr).toBe(0);
    expect((JSON.parse(dropped.stdout) as { dropped_packages: string[] }).dropped_packages).toHaveLength(1);
    const info = JSON.parse(project.cli(["pipeline", "shop", "info", "--local", "--json"]).stdout) as { packages: Array<{ status: string }> };
    expect(info.packages.filter((p) => p.status === "pending")).toEqual([]);
    // The dropped package's rows were not lost for good: the state went back, the next run loads them.
    expect(project.cli(["run", "shop.ts", "--local"], { UP_TO: "17" }).status).toBe(0);
    expect(ids()).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
  });
});

describe("refused before anything is written (exit code 2)", () => {
  it("an unknown write disposition or table format", () => {
    const before = readdirSync(join(project.pipelinesDir, "shop", "packages")).length;
    for (const env of [{ DISPOSITION: "upsert-ish" }, { FORMAT: "delta" }]) {
      const result = project.cli(["run", "shop.ts", "--local"], { UP_TO: "20", ...env });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/Resource `orders` has (writeDisposition|tableFormat)/);
    }
    expect(readdirSync(join(project.pipelinesDir, "shop", "packages"))).toHaveLength(before);
  });

  it("a pipeline name that climbs out of pipelines_dir, from the script or the flag", () => {
    const escaped = project.cli(["run", "shop.ts", "--local"], { NAME: "../../escape" });
    expect(escaped.status).toBe(2);
    expect(escaped.stderr).toContain('"../../escape" is not a valid pipeline name');
    const flag = project.cli(["run", "shop.ts", "--local", "--pipeline-name", "../x"]);
    expect(flag.status).toBe(2);
    expect(existsSync(join(project.root, "escape"))).toBe(false);
    expect(existsSync(join(project.pipelinesDir, "..", "x"))).toBe(false);
  });

  it("a layout with `..`, quoting it", () => {
    project.write({ ".dlt/config.toml": '[destination.filesystem]\nlayout = "../{table_name}/{load_id}.{file_id}.{ext}"\n' });
    const result = project.cli(["run", "shop.ts", "--local"], { NAME: "layout_escape" });
    project.write({ ".dlt/config.toml": "" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("layout='../{table_name}/{load_id}.{file_id}.{ext}'");
    expect(existsSync(join(project.pipelinesDir, "layout_escape", "packages")) && readdirSync(join(project.pipelinesDir, "layout_escape", "packages")).length).toBeFalsy();
  });
});
