/**
 * Load packages on disk: job states as folders moved by rename, crash-resume, failures with
 * reasons, atomic readable JSON, the step journal and package listing.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LoadError } from "../../../src/errors.js";
import {
  createLoadPackage,
  listLoadPackages,
  openLoadPackage,
} from "../../../src/packages/load-package.js";
import type { LoadPackage } from "../../../src/packages/load-package.js";

let root: string;
let scratch: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "dlt-athena-packages-"));
  scratch = mkdtempSync(join(tmpdir(), "dlt-athena-scratch-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const fixedNow = () => new Date("2024-04-29T12:00:00.000Z");

/** A finished job file in the scratch folder, as a writer would leave it. */
function jobFile(name: string, content = `content of ${name}`): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

function filesIn(pkg: LoadPackage, folder: string): string[] {
  return readdirSync(join(pkg.path, folder)).sort();
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoadError);
  return (error as LoadError).code;
}

describe("createLoadPackage", () => {
  it("creates the folders and a readable manifest", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5", { now: fixedNow });
    expect(readdirSync(pkg.path).sort()).toEqual([
      "completed_jobs",
      "failed_jobs",
      "load_package_state.json",
      "new_jobs",
      "started_jobs",
    ]);
    const manifest = readFileSync(join(pkg.path, "load_package_state.json"), "utf8");
    expect(manifest).toBe(
      '{\n  "load_id": "1714392000.5",\n  "created_at": "2024-04-29T12:00:00.000Z",\n' +
        '  "state": "extracted",\n  "updated_at": "2024-04-29T12:00:00.000Z"\n}\n',
    );
    expect(readdirSync(root)).toEqual(["1714392000.5"]); // no staging folder left
  });

  it("refuses an existing package and a malformed load id", async () => {
    await createLoadPackage(root, "1714392000.5");
    expect(await codeOf(createLoadPackage(root, "1714392000.5"))).toBe("load_package_exists");
    expect(await codeOf(createLoadPackage(root, "../evil"))).toBe("invalid_load_id");
    expect(await codeOf(openLoadPackage(root, "1714392999.1"))).toBe("load_package_not_found");
  });
});

describe("jobs", () => {
  it("move new → started → completed by renaming between folders", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5");
    const source = jobFile("events.3f9c01ab7e.0.parquet");
    const added = await pkg.addJobFile(source);
    expect(existsSync(source)).toBe(false); // moved, not copied
    expect(added).toMatchObject({
      name: "events.3f9c01ab7e.0.parquet",
      jobId: "events.3f9c01ab7e.parquet",
      table: "events",
      fileId: "3f9c01ab7e",
      retryCount: 0,
      format: "parquet",
      state: "new",
    });
    expect(filesIn(pkg, "new_jobs")).toEqual(["events.3f9c01ab7e.0.parquet"]);

    await pkg.startJob(added.name);
    expect(filesIn(pkg, "new_jobs")).toEqual([]);
    expect(filesIn(pkg, "started_jobs")).toEqual(["events.3f9c01ab7e.0.parquet"]);
    expect(await pkg.isSettled()).toBe(false);

    const done = await pkg.completeJob(added.name);
    expect(filesIn(pkg, "started_jobs")).toEqual([]);
    expect(readFileSync(done.path, "utf8")).toBe("content of events.3f9c01ab7e.0.parquet");
    expect((await pkg.listJobs()).map((j) => [j.name, j.state])).toEqual([["events.3f9c01ab7e.0.parquet", "completed"]]);
    expect(await pkg.isSettled()).toBe(true);
  });

  it("refuse transitions from the wrong state, duplicates and bad names", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5");
    const { name } = await pkg.addJobFile(jobFile("t.aaaaaaaaaa.0.parquet"));
    expect(await codeOf(pkg.completeJob(name))).toBe("job_not_found");
    await pkg.startJob(name);
    expect(await codeOf(pkg.startJob(name))).toBe("job_not_found");
    expect(await codeOf(pkg.startJob("t.bbbbbbbbbb.0.parquet"))).toBe("job_not_found");
    expect(await codeOf(pkg.addJobFile(jobFile("t.aaaaaaaaaa.0.parquet")))).toBe("duplicate_job");
    expect(await codeOf(pkg.addJobFile(jobFile("not-a-job.txt")))).toBe("invalid_job_file_name");
  });

  it("can copy a file in under another name, keeping the source", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5");
    const source = jobFile("scratch.parquet");
    const job = await pkg.addJobFile(source, { copy: true, name: "users.0123456789.0.parquet" });
    expect(existsSync(source)).toBe(true);
    expect(readFileSync(job.path, "utf8")).toBe("content of scratch.parquet");
    expect(filesIn(pkg, "new_jobs")).toEqual(["users.0123456789.0.parquet"]);
  });

  it("are found in started_jobs after a crash, and can be retried under a new retry count", async () => {
    const first = await createLoadPackage(root, "1714392000.5");
    await first.addJobFile(jobFile("events.3f9c01ab7e.0.parquet"));
    await first.addJobFile(jobFile("users.0123456789.0.parquet"));
    await first.startJob("events.3f9c01ab7e.0.parquet");
    await first.setState("normalized");
    // The process dies here; a new run reopens the package from disk.

    const reopened = await openLoadPackage(root, "1714392000.5");
    expect(reopened.state).toBe("normalized");
    expect((await reopened.listJobs("started")).map((j) => j.name)).toEqual(["events.3f9c01ab7e.0.parquet"]);
    expect((await reopened.listJobs("new")).map((j) => j.name)).toEqual(["users.0123456789.0.parquet"]);

    const retried = await reopened.retryJob("events.3f9c01ab7e.0.parquet");
    expect(retried).toMatchObject({ name: "events.3f9c01ab7e.1.parquet", jobId: "events.3f9c01ab7e.parquet", state: "new" });
    expect(filesIn(reopened, "started_jobs")).toEqual([]);
    expect(filesIn(reopened, "new_jobs")).toEqual(["events.3f9c01ab7e.1.parquet", "users.0123456789.0.parquet"]);
  });

  it("keep the failure reason beside a failed job, across reopening, until retried", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5");
    const { name } = await pkg.addJobFile(jobFile("events.3f9c01ab7e.0.parquet"));
    await pkg.startJob(name);
    const reason = "Athena: TYPE_MISMATCH: column `amount` is decimal(18,2), file has double";
    await pkg.failJob(name, reason);
    expect(filesIn(pkg, "failed_jobs")).toEqual([`${name}`, `${name}.exception`]);
    expect(readFileSync(join(pkg.path, "failed_jobs", `${name}.exception`), "utf8")).toBe(reason);

    const reopened = await openLoadPackage(root, "1714392000.5");
    expect((await reopened.listJobs("failed")).map((j) => j.name)).toEqual([name]); // .exception is not a job
    expect(await reopened.failureReason(name)).toBe(reason);
    expect(await reopened.isSettled()).toBe(true);

    const retried = await reopened.retryJob(name);
    expect(retried.name).toBe("events.3f9c01ab7e.1.parquet");
    expect(filesIn(reopened, "failed_jobs")).toEqual([]);
    expect(await reopened.failureReason(name)).toBeUndefined();
  });
});

describe("package JSON", () => {
  it("writes 2-space JSON atomically and reads it back", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5");
    await pkg.writeSchema({ name: "github", version: 3 });
    await pkg.writeStateUpdate({ sources: { github: { cursor: "2024-01-01" } } });
    await pkg.writeJSON("extra.json", [1, "two"]);
    expect(readFileSync(join(pkg.path, "schema.json"), "utf8")).toBe('{\n  "name": "github",\n  "version": 3\n}\n');
    expect(await pkg.readSchema()).toEqual({ name: "github", version: 3 });
    expect(await pkg.readStateUpdate()).toEqual({ sources: { github: { cursor: "2024-01-01" } } });
    expect(await pkg.readJSON("extra.json")).toEqual([1, "two"]);
    expect(await pkg.readJSON("missing.json")).toBeUndefined();
  });

  it("keeps the old content when a write fails, and leaves no temporary file", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5");
    await pkg.writeJSON("schema.json", { version: 1 });
    await expect(pkg.writeJSON("schema.json", { big: 1n })).rejects.toThrow(/BigInt/);
    mkdirSync(join(pkg.path, "blocked.json")); // rename onto a directory fails after the temp write
    await expect(pkg.writeJSON("blocked.json", { a: 1 })).rejects.toThrow();
    expect(await pkg.readJSON("schema.json")).toEqual({ version: 1 });
    expect(readdirSync(pkg.path).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses names outside the package and the manifest", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5");
    for (const name of ["../escape.json", "a/b.json", "..", "", "load_package_state.json"]) {
      expect(await codeOf(pkg.writeJSON(name, {}))).toBe("invalid_package_file");
    }
    expect(await pkg.readJSON("load_package_state.json")).toMatchObject({ load_id: "1714392000.5" });
  });

  it("records state changes with their time", async () => {
    let now = new Date("2024-04-29T12:00:00.000Z");
    const pkg = await createLoadPackage(root, "1714392000.5", { now: () => now });
    now = new Date("2024-04-29T12:05:00.000Z");
    await pkg.setState("loaded");
    expect((await openLoadPackage(root, "1714392000.5")).manifest).toEqual({
      load_id: "1714392000.5",
      created_at: "2024-04-29T12:00:00.000Z",
      state: "loaded",
      updated_at: "2024-04-29T12:05:00.000Z",
    });
  });
});

describe("step journal", () => {
  it("remembers completed steps across reopening, once each", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5", { now: fixedNow });
    expect(pkg.journal.has("createTable:events")).toBe(false);
    await pkg.journal.record("createTable:events");
    await pkg.journal.record("insert:events");
    await pkg.journal.record("createTable:events");
    const reopened = await openLoadPackage(root, "1714392000.5");
    expect(reopened.journal.completed).toEqual(["createTable:events", "insert:events"]);
    expect(reopened.journal.has("insert:events")).toBe(true);
    expect(readFileSync(join(pkg.path, "journal.jsonl"), "utf8").split("\n")[0]).toBe(
      '{"step":"createTable:events","completed_at":"2024-04-29T12:00:00.000Z"}',
    );
  });

  it("ignores a torn last line from a crash and appends cleanly after it", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5");
    await pkg.journal.record("a");
    appendFileSync(join(pkg.path, "journal.jsonl"), '{"step":"b","comp');
    const reopened = await openLoadPackage(root, "1714392000.5");
    expect(reopened.journal.completed).toEqual(["a"]);
    await reopened.journal.record("b");
    expect((await openLoadPackage(root, "1714392000.5")).journal.completed).toEqual(["a", "b"]);
  });

  it("records concurrent steps together: each is on disk when its record resolves, in call order", async () => {
    const pkg = await createLoadPackage(root, "1714392000.5");
    const steps = Array.from({ length: 20 }, (_, i) => `step:${i}`);
    const onDisk = await Promise.all(
      steps.map(async (step) => {
        await pkg.journal.record(step);
        return readFileSync(join(pkg.path, "journal.jsonl"), "utf8").includes(`"step":"${step}"`);
      }),
    );
    expect(onDisk).toEqual(steps.map(() => true));
    expect((await openLoadPackage(root, "1714392000.5")).journal.completed).toEqual(steps);
  });
});

describe("listLoadPackages", () => {
  it("lists packages by numeric load id, skipping folders that are not packages", async () => {
    for (const id of ["1714392001.5", "999.9", "1714392000.25", "1714392000.3"]) {
      await createLoadPackage(root, id);
    }
    await (await openLoadPackage(root, "999.9")).setState("loaded");
    mkdirSync(join(root, ".1714392002.1.abcd.tmp")); // an interrupted create
    mkdirSync(join(root, "1714392003.1")); // no manifest
    mkdirSync(join(root, "notes"));
    const listed = await listLoadPackages(root);
    expect(listed.map((p) => [p.loadId, p.state])).toEqual([
      ["999.9", "loaded"],
      ["1714392000.25", "extracted"],
      ["1714392000.3", "extracted"],
      ["1714392001.5", "extracted"],
    ]);
    expect(listed[0]!.path).toBe(join(root, "999.9"));
    expect(await listLoadPackages(join(root, "missing"))).toEqual([]);
  });
});
