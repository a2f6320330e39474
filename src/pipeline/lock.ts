/**
 * One run per pipeline at a time: a lock file in the working folder, created exclusively
 * (`O_EXCL`) and held for the whole run. A lock whose holder is gone (its process no longer
 * exists, or the PID now belongs to a process started later) is reclaimed by the next run.
 *
 * Reclaiming goes through a second, short-lived exclusive file so that two runs finding the same
 * dead holder cannot both take over: only the one that creates `<lock>.reclaim` removes the stale
 * lock, and it checks again that the lock it removes is still the stale one.
 */
import { readFileSync } from "node:fs";
import { open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { LoadError } from "../errors.js";

export const LOCK_FILE = "pipeline.lock";

/** What the lock file holds (readable JSON). */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly started_at: string;
  /** The holder's process start time in clock ticks since boot (Linux), to tell a reused PID apart. */
  readonly process_start?: string;
  readonly command?: string;
}

export interface AcquireOptions {
  /** Seconds to wait for a live holder to finish; 0 (default) fails at once. */
  readonly waitSeconds?: number;
  /** Poll interval while waiting, ms. */
  readonly pollMs?: number;
}

/** A held lock; `release` removes the file if it is still ours. */
export interface PipelineLock {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * Takes the lock of the working folder at `folder`.
 *
 * @throws LoadError `pipeline_locked` naming the holder's PID, start time and the lock file.
 * @example
 * const lock = await acquirePipelineLock("/home/me/.dlt-athena/pipelines/shop", { waitSeconds: 30 });
 * try { … } finally { await lock.release(); }
 */
export async function acquirePipelineLock(folder: string, options: AcquireOptions = {}): Promise<PipelineLock> {
  const path = join(folder, LOCK_FILE);
  const me = currentHolder();
  const deadline = Date.now() + Math.max(0, options.waitSeconds ?? 0) * 1000;
  for (;;) {
    if (await tryCreate(path, me)) return heldLock(path, me);
    const holder = await readHolder(path);
    if (holder === "torn") {
      // Just created by another run that is still writing it, or left torn by a dead one.
      if (await isYoung(path)) {
        await sleep(50);
        continue;
      }
      await reclaim(path, undefined);
      continue;
    }
    if (holder === undefined || !isAlive(holder)) {
      await reclaim(path, holder);
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(path, holder, options.waitSeconds ?? 0);
    await sleep(Math.min(options.pollMs ?? 200, Math.max(10, deadline - Date.now())));
  }
}

/**
 * The current holder of the lock at `folder`, if the lock is held by a live process.
 *
 * @example const holder = await readLiveHolder(folder); // { pid: 4242, … } or undefined
 */
export async function readLiveHolder(folder: string): Promise<LockHolder | undefined> {
  const holder = await readHolder(join(folder, LOCK_FILE));
  return holder !== undefined && holder !== "torn" && isAlive(holder) ? holder : undefined;
}

function heldLock(path: string, me: LockHolder): PipelineLock {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      const holder = await readHolder(path);
      if (holder !== undefined && holder !== "torn" && holder.pid === me.pid && holder.started_at === me.started_at) await rm(path, { force: true });
    },
  };
}

async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder, null, 2)}\n`, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** Removes a stale lock, unless another run is reclaiming it or it changed meanwhile. */
async function reclaim(path: string, stale: LockHolder | undefined): Promise<void> {
  const guard = `${path}.reclaim`;
  if (!(await tryCreate(guard, currentHolder()))) {
    // Someone else is reclaiming; a guard left by a run that died mid-reclaim expires.
    const info = await stat(guard).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > 10_000) await rm(guard, { force: true });
    await sleep(20);
    return;
  }
  try {
    const now = await readHolder(path);
    const unchanged =
      now === undefined || now === "torn"
        ? stale === undefined
        : stale !== undefined && now.pid === stale.pid && now.started_at === stale.started_at;
    if (unchanged && (now === undefined || now === "torn" || !isAlive(now))) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/** The holder, `undefined` when there is no lock file, `"torn"` when it cannot be read as one. */
async function readHolder(path: string): Promise<LockHolder | "torn" | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === "number" && typeof parsed.started_at === "string") return parsed as LockHolder;
  } catch {
    // Empty or torn: a writer between open and write, or one killed there.
  }
  return "torn";
}

async function isYoung(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs < 2_000;
}

function currentHolder(): LockHolder {
  const start = processStart(process.pid);
  return {
    pid: process.pid,
    hostname: hostname(),
    started_at: new Date().toISOString(),
    ...(start !== undefined ? { process_start: start } : {}),
    command: process.argv.slice(1, 4).join(" "),
  };
}

/** Whether the holder's process still exists (a holder on another host is assumed alive). */
function isAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  // The PID exists; it is our holder only if that process started when the holder did.
  if (holder.process_start === undefined) return true;
  const start = processStart(holder.pid);
  return start === undefined || start === holder.process_start;
}

/** Field 22 of `/proc/<pid>/stat` (start time in ticks since boot); undefined off Linux. */
function processStart(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return rest[19];
  } catch {
    return undefined;
  }
}

function lockedError(path: string, holder: LockHolder, waited: number): LoadError {
  const waitedText = waited > 0 ? ` after waiting ${waited} s` : "";
  return new LoadError(
    "pipeline_locked",
    `Another run of this pipeline holds its lock${waitedText}: PID ${holder.pid}${holder.hostname !== hostname() ? ` on ${holder.hostname}` : ""}, ` +
      `started ${holder.started_at} (lock file ${path}). Wait for it to finish, or pass --wait <seconds> to wait; ` +
      `if that process is gone, the next run reclaims the lock.`,
    { meta: { lock_file: path, holder_pid: holder.pid, holder_started_at: holder.started_at, holder_hostname: holder.hostname } },
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
