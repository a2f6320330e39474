import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LOCK_FILE, acquirePipelineLock } from "../../../src/pipeline/lock.js";
import { makeTempDir } from "../../support/temp.js";

const temps: Array<() => void> = [];
afterEach(() => temps.splice(0).forEach((cleanup) => cleanup()));
function folder(): string {
  const temp = makeTempDir("dlt-athena-lock-");
  temps.push(temp.cleanup);
  return temp.dir;
}

/** A PID that no process has: one that just exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

describe("the pipeline lock", () => {
  it("is held in <working folder>/pipeline.lock with the holder's PID and start time, and removed on release", async () => {
    const dir = folder();
    const lock = await acquirePipelineLock(dir);
    const holder = JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as { pid: number; started_at: string };
    expect(holder.pid).toBe(process.pid);
    expect(Date.parse(holder.started_at)).toBeGreaterThan(Date.now() - 60_000);
    await lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("refuses a second holder at once, naming the holder's PID, start time and the lock file", async () => {
    const dir = folder();
    const lock = await acquirePipelineLock(dir);
    const started = Date.now();
    const error = (await acquirePipelineLock(dir).then(
      () => new Error("expected the second lock to be refused"),
      (e: unknown) => e as Error,
    )) as Error & { code?: string };
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.code).toBe("pipeline_locked");
    const holder = JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as { started_at: string };
    expect(error.message).toContain(`PID ${process.pid}`);
    expect(error.message).toContain(holder.started_at);
    expect(error.message).toContain(join(dir, LOCK_FILE));
    expect(error.message).toContain("--wait");
    await lock.release();
  });

  it("waits for the holder with waitSeconds, then takes the lock", async () => {
    const dir = folder();
    const first = await acquirePipelineLock(dir);
    setTimeout(() => void first.release(), 300);
    const second = await acquirePipelineLock(dir, { waitSeconds: 10, pollMs: 20 });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    await second.release();
  });

  it("gives up after waitSeconds when the holder stays", async () => {
    const dir = folder();
    const first = await acquirePipelineLock(dir);
    await expect(acquirePipelineLock(dir, { waitSeconds: 0.3, pollMs: 20 })).rejects.toMatchObject({ code: "pipeline_locked", message: expect.stringContaining("after waiting 0.3 s") });
    await first.release();
  });

  it("reclaims the lock of a dead holder, and of a reused PID whose process started later", async () => {
    const dir = folder();
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, hostname: hostname(), started_at: "2020-01-01T00:00:00.000Z" }));
    const lock = await acquirePipelineLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    await lock.release();
    // Our own PID, but a different process start: a previous process that had this PID.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, hostname: hostname(), started_at: "2020-01-01T00:00:00.000Z", process_start: "1" }));
    const again = await acquirePipelineLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    await again.release();
  });

  it("reclaims a torn lock file once it is older than a moment", async () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), "");
    const { utimesSync } = await import("node:fs");
    utimesSync(join(dir, LOCK_FILE), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const lock = await acquirePipelineLock(dir);
    await lock.release();
  });

  it("lets only one of many simultaneous takers hold it", async () => {
    const dir = folder();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquirePipelineLock(dir)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "fulfilled") await r.value.release();
  });
});
