/**
 * What a run does, under the pipeline lock, before it extracts or loads anything: remove what dead
 * runs left half-made, and continue from the state the newest package was extracted with.
 *
 * The working folder's `state.json` and schemas are written after a package is marked
 * `normalized`; a crash in between leaves them one package behind. The package itself carries
 * the state (`state.json`) and schema it was extracted with, so those win whenever they are newer:
 * a rerun then never extracts again what the package already holds.
 */
import { readBinding } from "./package-binding.js";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { TEMP_SUFFIX } from "../packages/atomic-file.js";
import { listLoadPackages, openLoadPackage } from "../packages/load-package.js";
import type { StoredSchema } from "../schema/types.js";
import type { PipelineState } from "../state/pipeline-state.js";
import type { WorkingFolder } from "./working-folder.js";

/** The state a package was extracted from (before its own changes), for undoing a terminal failure. */
export const STATE_BEFORE_FILE = "state_before.json";
/** The schemas of the working folder before the package's extract changed them. */
export const SCHEMA_BEFORE_FILE = "schema_before.json";

export interface Leftovers {
  /** Folders and files removed: `.writing` folders, temporary package folders, incomplete packages. */
  readonly removed: readonly string[];
}

/**
 * Removes the leftovers of dead runs from the packages folder: `.<load_id>.writing` folders,
 * temporary package folders and files, and packages that never finished extracting (`extracted`)
 * or whose extract failed (`aborted`). Call it only while holding the pipeline lock.
 *
 * @example const { removed } = await removeLeftovers(folder);
 */
export async function removeLeftovers(folder: WorkingFolder): Promise<Leftovers> {
  const removed: string[] = [];
  for (const name of await namesIn(folder.packagesRoot)) {
    if (name.startsWith(".") && (name.endsWith(".writing") || name.endsWith(TEMP_SUFFIX))) {
      await rm(join(folder.packagesRoot, name), { recursive: true, force: true });
      removed.push(join(folder.packagesRoot, name));
    }
  }
  for (const summary of await listLoadPackages(folder.packagesRoot)) {
    if (summary.state === "extracted" || summary.state === "aborted") {
      await rm(summary.path, { recursive: true, force: true });
      removed.push(summary.path);
    }
  }
  for (const dir of [folder.path, join(folder.path, "schemas")]) {
    for (const name of await namesIn(dir)) {
      if (name.endsWith(TEMP_SUFFIX)) {
        await rm(join(dir, name), { force: true });
        removed.push(join(dir, name));
      }
    }
  }
  return { removed };
}

/**
 * The state and schemas to continue from: the working folder's, unless a package waiting to load
 * (normalized) carries newer ones; those are written to the working folder.
 *
 * @example const state = await adoptPackageState(folder, await folder.readState());
 */
export async function adoptPackageState(folder: WorkingFolder, state: PipelineState | undefined): Promise<PipelineState | undefined> {
  const packages = (await listLoadPackages(folder.packagesRoot)).filter((p) => p.state === "normalized").reverse();
  let adopted = state;
  const seenSchemas = new Set<string>();
  for (const summary of packages) {
    const pkg = await openLoadPackage(folder.packagesRoot, summary.loadId);
    // A package bound to another destination carries that destination's state, not this one's.
    const binding = await readBinding(pkg);
    if (binding !== undefined && state?._local.destination !== undefined && binding.identity !== state._local.destination) continue;
    const carried = await pkg.readStateUpdate<Omit<PipelineState, "_local">>();
    if (carried !== undefined && (adopted === undefined || carried._state_version > adopted._state_version)) {
      adopted = { ...carried, _local: { ...(state?._local ?? { first_run: false }), first_run: false } };
      await folder.writeState(adopted);
    }
    const schema = await pkg.readSchema<StoredSchema>();
    if (schema !== undefined && !seenSchemas.has(schema.name)) {
      seenSchemas.add(schema.name);
      const local = await folder.readSchema(schema.name);
      if (local === undefined || schema.version > local.version) await folder.writeSchema(schema);
    }
  }
  return adopted;
}

/**
 * After a package failed for good: the working folder goes back to the state and schemas it had
 * before that package was extracted, so the fixed script extracts the same data again. Nothing
 * changes when a later package was extracted on top of it (the folder's state is not the package's).
 *
 * @example await revertPackageState(folder, pkg);
 */
export async function revertPackageState(
  folder: WorkingFolder,
  pkg: { readStateUpdate<T>(): Promise<T | undefined>; readJSON<T>(name: string): Promise<T | undefined>; readSchema<T>(): Promise<T | undefined> },
): Promise<PipelineState | undefined> {
  const current = await folder.readState();
  const carried = await pkg.readStateUpdate<Omit<PipelineState, "_local">>();
  const schema = await pkg.readSchema<StoredSchema>();
  if (schema !== undefined) {
    const local = await folder.readSchema(schema.name);
    const before = await pkg.readJSON<StoredSchema | null>(SCHEMA_BEFORE_FILE);
    if (local !== undefined && local.versionHash === schema.versionHash && before !== undefined) {
      if (before === null) await rm(join(folder.path, "schemas", `${schema.name}.schema.json`), { force: true });
      else await folder.writeSchema(before);
    }
  }
  if (carried === undefined || current === undefined || current._version_hash !== carried._version_hash) return undefined;
  const before = await pkg.readJSON<Omit<PipelineState, "_local">>(STATE_BEFORE_FILE);
  if (before === undefined) return undefined;
  const reverted: PipelineState = { ...before, _local: current._local };
  await folder.writeState(reverted);
  return reverted;
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
