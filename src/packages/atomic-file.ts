/**
 * Crash-safe file writes for load packages: write a temporary sibling, fsync it, rename it over
 * the target. POSIX rename is atomic within a file system, so a reader (or the next run after a
 * crash) sees the old content or the new, never half a file.
 */
import { randomBytes } from "node:crypto";
import { access, copyFile, open, readFile, rename, rm } from "node:fs/promises";
import { maskSecrets } from "../util/secrets.js";

/** Suffix of temporary files; listings skip names that end with it. */
export const TEMP_SUFFIX = ".tmp";

/**
 * Writes `text` to `path` atomically.
 *
 * @example
 * await writeFileAtomic("/pkgs/1714392000.5/load_package_state.json", "{}\n");
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  // No file the tool writes (state, schemas, traces, package JSON) may hold a credential.
  text = maskSecrets(text);
  const tempPath = `${path}.${process.pid}.${randomBytes(4).toString("hex")}${TEMP_SUFFIX}`;
  try {
    const handle = await open(tempPath, "w");
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}

/**
 * Writes `value` as human-readable JSON (2-space indent, trailing newline), atomically.
 *
 * @example
 * await writeJsonAtomic("/pkgs/1714392000.5/schema.json", { name: "github" });
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Reads a JSON file, or returns `undefined` when it does not exist.
 *
 * @example
 * const manifest = await readJsonIfExists<{ state: string }>("/pkgs/1714392000.5/load_package_state.json");
 */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}

/**
 * Whether an fs error means "no such file or directory".
 *
 * @example
 * try { await readFile(path); } catch (error) { if (!isNotFound(error)) throw error; }
 */
export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/**
 * Whether `path` exists.
 *
 * @example
 * if (await exists(join(root, loadId))) { … }
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * `rename`, or copy + rename + delete when source and target are on different file systems
 * (`EXDEV`), so the target is never seen half-written either way.
 *
 * @example
 * await moveFile("/tmp/out/events.3f9c01ab7e.0.parquet", `${pkg.path}/new_jobs/events.3f9c01ab7e.0.parquet`);
 */
export async function moveFile(source: string, target: string): Promise<void> {
  try {
    await rename(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await copyFileAtomic(source, target);
    await rm(source);
  }
}

/**
 * Copies `source` to `target` through a temporary sibling, so `target` is never partial.
 *
 * @example
 * await copyFileAtomic("/tmp/out/a.parquet", "/pkgs/1714392000.5/new_jobs/a.0123456789.0.parquet");
 */
export async function copyFileAtomic(source: string, target: string): Promise<void> {
  const temp = `${target}.${randomBytes(4).toString("hex")}${TEMP_SUFFIX}`;
  try {
    await copyFile(source, temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
