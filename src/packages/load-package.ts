/**
 * Load packages, as dlt keeps them (`dlt/common/storages/load_package.py`): one folder per load
 * id holding readable JSON and one folder per job state. A job is a file that moves between
 * state folders by `rename`, which is atomic, so after a crash every job is in exactly one state
 * and the next run picks up where the last stopped (jobs in `started_jobs/` were interrupted).
 *
 * ```
 * <root>/<load_id>/
 *   load_package_state.json   { load_id, created_at, state, updated_at }
 *   schema.json               the schema this package was normalized with
 *   state.json                the pipeline state update to commit with the load (optional)
 *   journal.jsonl             completed step ids (see step-journal.ts)
 *   failure.json              why the package failed for good (state `failed`)
 *   new_jobs/ started_jobs/ completed_jobs/ failed_jobs/   (failed: <file>.exception = reason)
 * ```
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { LoadError } from "../errors.js";
import {
  TEMP_SUFFIX,
  copyFileAtomic,
  exists,
  isNotFound,
  moveFile,
  readJsonIfExists,
  writeFileAtomic,
  writeJsonAtomic,
} from "./atomic-file.js";
import { formatJobFileName, jobIdOf, parseJobFileName } from "./job-file-name.js";
import type { JobFileName } from "./job-file-name.js";
import { compareLoadIds, isLoadId } from "./load-id.js";
import { JOURNAL_FILE, StepJournal } from "./step-journal.js";

/**
 * `extracted` while files are written; `normalized` when complete and waiting to load; `loaded`;
 * `aborted` when its extract failed; `failed` when loading failed for a reason no rerun can fix
 * (the reason is in `failure.json` and each job's `.exception`); later runs pass it by.
 */
export type PackageState = "extracted" | "normalized" | "loaded" | "aborted" | "failed";
export type JobState = "new" | "started" | "completed" | "failed";

export const JOB_STATE_FOLDERS: Readonly<Record<JobState, string>> = {
  new: "new_jobs",
  started: "started_jobs",
  completed: "completed_jobs",
  failed: "failed_jobs",
};
const JOB_STATES = Object.keys(JOB_STATE_FOLDERS) as JobState[];

export const MANIFEST_FILE = "load_package_state.json";
export const SCHEMA_FILE = "schema.json";
export const STATE_FILE = "state.json";
/** Why a package failed for good: `{ reason, code, failed_at }`. */
export const PACKAGE_FAILURE_FILE = "failure.json";
/** Sibling of a failed job file holding the failure reason as text. */
export const EXCEPTION_SUFFIX = ".exception";

/** `load_package_state.json`, in dlt's snake_case. */
export interface PackageManifest {
  readonly load_id: string;
  readonly created_at: string;
  readonly state: PackageState;
  readonly updated_at: string;
}

export interface LoadJob extends JobFileName {
  /** The file name, which is the job's handle in every method. */
  readonly name: string;
  readonly jobId: string;
  readonly state: JobState;
  readonly path: string;
}

export interface PackageOptions {
  /** Clock for `created_at`, `updated_at` and journal times; default `new Date()`. */
  readonly now?: () => Date;
}

/**
 * One load package on disk. Create with {@link createLoadPackage}, reopen with
 * {@link openLoadPackage}.
 *
 * @example
 * const pkg = await openLoadPackage(root, "1714392000.5");
 * for (const job of await pkg.listJobs("new")) {
 *   await pkg.startJob(job.name);
 *   await pkg.completeJob(job.name);
 * }
 */
export class LoadPackage {
  readonly loadId: string;
  readonly path: string;
  readonly journal: StepJournal;
  #manifest: PackageManifest;
  readonly #now: () => Date;

  /** @internal Use {@link createLoadPackage} or {@link openLoadPackage}. */
  constructor(path: string, manifest: PackageManifest, journal: StepJournal, now: () => Date) {
    this.loadId = manifest.load_id;
    this.path = path;
    this.journal = journal;
    this.#manifest = manifest;
    this.#now = now;
  }

  get state(): PackageState {
    return this.#manifest.state;
  }

  get manifest(): PackageManifest {
    return this.#manifest;
  }

  /** The folder of a job state, e.g. where a writer may put files before `addJobFile`. */
  folderOf(state: JobState): string {
    return join(this.path, JOB_STATE_FOLDERS[state]);
  }

  /** Records the package's new state in `load_package_state.json`. */
  async setState(state: PackageState): Promise<void> {
    const manifest = { ...this.#manifest, state, updated_at: this.#now().toISOString() };
    await writeJsonAtomic(join(this.path, MANIFEST_FILE), manifest);
    this.#manifest = manifest;
  }

  /**
   * Moves (or with `copy`, copies) a finished file into `new_jobs/`. The file name must be a job
   * file name (`<table>.<file_id>.<retry>.<format>`); pass `name` to rename it on the way.
   */
  async addJobFile(sourcePath: string, options: { name?: string; copy?: boolean } = {}): Promise<LoadJob> {
    const name = options.name ?? basename(sourcePath);
    const parsed = requireJobFileName(name);
    await this.#requireNoJob(name);
    const target = this.#jobPath("new", name);
    if (options.copy === true) {
      await copyFileAtomic(sourcePath, target);
    } else {
      await moveFile(sourcePath, target);
    }
    return this.#job("new", name, parsed);
  }

  /** Jobs in one state, or in all states, sorted by file name. */
  async listJobs(state?: JobState): Promise<LoadJob[]> {
    const jobs: LoadJob[] = [];
    for (const jobState of state === undefined ? JOB_STATES : [state]) {
      const names = await readdir(this.folderOf(jobState));
      for (const name of names.sort()) {
        const parsed = parseJobFileName(name);
        if (parsed !== undefined && !name.endsWith(TEMP_SUFFIX)) jobs.push(this.#job(jobState, name, parsed));
      }
    }
    return jobs;
  }

  /** The job with file name `name`, in whatever state it is, or `undefined`. */
  async findJob(name: string): Promise<LoadJob | undefined> {
    const parsed = parseJobFileName(name);
    if (parsed === undefined) return undefined;
    for (const state of JOB_STATES) {
      if (await exists(this.#jobPath(state, name))) return this.#job(state, name, parsed);
    }
    return undefined;
  }

  /** `new` → `started`. */
  async startJob(name: string): Promise<LoadJob> {
    return this.#move(name, ["new"], "started");
  }

  /** `started` → `completed`. */
  async completeJob(name: string): Promise<LoadJob> {
    return this.#move(name, ["started"], "completed");
  }

  /**
   * `new` or `started` → `failed`, keeping `reason` in `failed_jobs/<name>.exception`. The reason
   * is written first: a crash in between leaves the job where it was, to be run again.
   */
  async failJob(name: string, reason: string): Promise<LoadJob> {
    await writeFileAtomic(this.#jobPath("failed", name) + EXCEPTION_SUFFIX, reason);
    return this.#move(name, ["new", "started"], "failed");
  }

  /** The reason a failed job was given, or `undefined`. */
  async failureReason(name: string): Promise<string | undefined> {
    try {
      return await readFile(this.#jobPath("failed", name) + EXCEPTION_SUFFIX, "utf8");
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * `started` or `failed` → `new`, with the retry count in the file name increased by one (dlt's
   * `retry_job`); the job id stays the same. Returns the job under its new name.
   */
  async retryJob(name: string): Promise<LoadJob> {
    const job = await this.#requireJob(name, ["started", "failed"]);
    const retried = formatJobFileName({ ...job, retryCount: job.retryCount + 1 });
    await this.#requireNoJob(retried);
    await rename(job.path, this.#jobPath("new", retried));
    if (job.state === "failed") await rm(job.path + EXCEPTION_SUFFIX, { force: true });
    return this.#job("new", retried, { ...job, retryCount: job.retryCount + 1 });
  }

  /** Whether no job is waiting or running (all are completed or failed). */
  async isSettled(): Promise<boolean> {
    const pending = [...(await this.listJobs("new")), ...(await this.listJobs("started"))];
    return pending.length === 0;
  }

  /** Writes `<package>/<name>` as 2-space JSON, atomically (temporary file + rename). */
  async writeJSON(name: string, value: unknown): Promise<void> {
    await writeJsonAtomic(join(this.path, requirePlainName(name)), value);
  }

  /** Reads `<package>/<name>` as JSON, or `undefined` when it does not exist. */
  async readJSON<T>(name: string): Promise<T | undefined> {
    return readJsonIfExists<T>(join(this.path, requirePlainName(name, true)));
  }

  /** Saves the schema the package was normalized with (`schema.json`). */
  async writeSchema(schema: unknown): Promise<void> {
    await this.writeJSON(SCHEMA_FILE, schema);
  }

  async readSchema<T>(): Promise<T | undefined> {
    return this.readJSON<T>(SCHEMA_FILE);
  }

  /** Saves the pipeline state update to commit with this load (`state.json`). */
  async writeStateUpdate(state: unknown): Promise<void> {
    await this.writeJSON(STATE_FILE, state);
  }

  async readStateUpdate<T>(): Promise<T | undefined> {
    return this.readJSON<T>(STATE_FILE);
  }

  async #move(name: string, from: readonly JobState[], to: JobState): Promise<LoadJob> {
    const job = await this.#requireJob(name, from);
    await rename(job.path, this.#jobPath(to, name));
    return this.#job(to, name, job);
  }

  async #requireJob(name: string, states: readonly JobState[]): Promise<LoadJob> {
    const job = await this.findJob(name);
    if (job !== undefined && states.includes(job.state)) return job;
    const where = job === undefined ? "is not in the package" : `is ${job.state}`;
    throw new LoadError(
      "job_not_found",
      `Job \`${name}\` of load package ${this.loadId} ${where}; expected it in ${states.map((s) => JOB_STATE_FOLDERS[s]).join(" or ")}.`,
      { meta: { loadId: this.loadId, job: name, state: job?.state ?? null } },
    );
  }

  async #requireNoJob(name: string): Promise<void> {
    const existing = await this.findJob(name);
    if (existing !== undefined) {
      throw new LoadError(
        "duplicate_job",
        `Load package ${this.loadId} already has job \`${name}\` (${existing.state}); file ids must be unique per table.`,
        { meta: { loadId: this.loadId, job: name } },
      );
    }
  }

  #jobPath(state: JobState, name: string): string {
    return join(this.folderOf(state), name);
  }

  #job(state: JobState, name: string, parsed: JobFileName): LoadJob {
    const { table, fileId, retryCount, format } = parsed;
    const fileName = { table, fileId, retryCount, format };
    return { ...fileName, name, jobId: jobIdOf(fileName), state, path: this.#jobPath(state, name) };
  }
}

/**
 * Creates `<root>/<loadId>/` with its job folders and manifest. The package is assembled in a
 * temporary folder and renamed into place, so it appears complete or not at all.
 *
 * @example
 * const pkg = await createLoadPackage("~/.dlt-athena/pipelines/gh/load/normalized", newLoadId());
 */
export async function createLoadPackage(
  root: string,
  loadId: string,
  options: PackageOptions & { state?: PackageState } = {},
): Promise<LoadPackage> {
  if (!isLoadId(loadId)) {
    throw new LoadError("invalid_load_id", `\`${loadId}\` is not a load id (a unix time such as 1714392000.1234567).`, {
      meta: { loadId },
    });
  }
  const path = join(root, loadId);
  if (await exists(path)) {
    throw new LoadError("load_package_exists", `Load package ${loadId} already exists in ${root}.`, {
      meta: { loadId, root },
    });
  }
  const now = options.now ?? (() => new Date());
  const staging = join(root, `.${loadId}.${randomBytes(4).toString("hex")}${TEMP_SUFFIX}`);
  for (const folder of Object.values(JOB_STATE_FOLDERS)) {
    await mkdir(join(staging, folder), { recursive: true });
  }
  const at = now().toISOString();
  const manifest: PackageManifest = { load_id: loadId, created_at: at, state: options.state ?? "extracted", updated_at: at };
  await writeJsonAtomic(join(staging, MANIFEST_FILE), manifest);
  await rename(staging, path);
  return new LoadPackage(path, manifest, await StepJournal.read(join(path, JOURNAL_FILE), now), now);
}

/**
 * Opens an existing package, e.g. to finish a load that crashed (its interrupted jobs are in
 * `started_jobs/`).
 *
 * @example
 * const pkg = await openLoadPackage(root, "1714392000.5");
 * const interrupted = await pkg.listJobs("started");
 */
export async function openLoadPackage(root: string, loadId: string, options: PackageOptions = {}): Promise<LoadPackage> {
  const path = join(root, loadId);
  const manifest = isLoadId(loadId) ? await readJsonIfExists<PackageManifest>(join(path, MANIFEST_FILE)) : undefined;
  if (manifest === undefined) {
    throw new LoadError("load_package_not_found", `No load package ${loadId} in ${root} (no ${MANIFEST_FILE}).`, {
      meta: { loadId, root },
    });
  }
  const now = options.now ?? (() => new Date());
  return new LoadPackage(path, manifest, await StepJournal.read(join(path, JOURNAL_FILE), now), now);
}

/** One entry of {@link listLoadPackages}. */
export interface LoadPackageSummary {
  readonly loadId: string;
  readonly path: string;
  readonly state: PackageState;
  readonly createdAt: string;
}

/**
 * The packages under `root`, oldest load id first (the order dlt loads them in). Folders that
 * are not packages (no manifest, or a temporary name) are skipped; a missing root is empty.
 *
 * @example
 * const pending = (await listLoadPackages(root)).filter((p) => p.state === "normalized");
 */
export async function listLoadPackages(root: string): Promise<LoadPackageSummary[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const summaries: LoadPackageSummary[] = [];
  for (const loadId of names.filter(isLoadId).sort(compareLoadIds)) {
    const path = join(root, loadId);
    const manifest = await readJsonIfExists<PackageManifest>(join(path, MANIFEST_FILE));
    if (manifest !== undefined) {
      summaries.push({ loadId, path, state: manifest.state, createdAt: manifest.created_at });
    }
  }
  return summaries;
}

function requireJobFileName(name: string): JobFileName {
  const parsed = parseJobFileName(name);
  if (parsed === undefined || name.includes("/") || name.includes("\\")) {
    throw new LoadError(
      "invalid_job_file_name",
      `\`${name}\` is not a job file name; expected <table>.<file_id>.<retry_count>.<format>, e.g. events.3f9c01ab7e.0.parquet.`,
      { meta: { name } },
    );
  }
  return parsed;
}

/** A file name directly inside the package; the manifest is written only through `setState`. */
function requirePlainName(name: string, isRead = false): string {
  const isPlain = name !== "" && name !== "." && name !== ".." && !/[/\\]/.test(name);
  if (!isPlain || (!isRead && name === MANIFEST_FILE)) {
    throw new LoadError("invalid_package_file", `\`${name}\` cannot be written as a load package file.`, {
      meta: { name },
    });
  }
  return name;
}
