import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { listLoadPackages } from "../../packages/load-package.js";
import { printJson } from "../output/render.js";
import { datasetOf } from "./pipeline-context.js";
import type { PipelineContext } from "./pipeline-context.js";

/** The `pipeline <name> sync --json` document. */
export interface SyncResult {
  readonly status: "ok";
  readonly pipeline_name: string;
  readonly dataset_name: string;
  readonly destination: string;
  /** False when the destination holds no committed state of this pipeline. */
  readonly restored: boolean;
  readonly working_folder: string;
  readonly state_version?: number;
  readonly version_hash?: string;
  readonly sources?: readonly string[];
  readonly schemas?: readonly { readonly name: string; readonly version: number; readonly tables: number }[];
  /** Packages of the working folder that still wait to be loaded (sync keeps them). */
  readonly pending_packages?: number;
}

/**
 * `pipeline <name> sync`: replaces the local state and schemas with the newest ones committed in
 * the destination (reference §8.4), creating the working folder when it is missing. Pending load
 * packages are kept: they hold data not loaded yet, and the next run loads them.
 * "Nothing to restore" is a success (exit 0) with a message, so scripts can sync unconditionally.
 */
export async function syncPipeline(ctx: PipelineContext): Promise<void> {
  const hadFolder = existsSync(ctx.folder.path);
  const datasetName = datasetOf(ctx, await ctx.folder.readState());
  let isRestored = false;
  try {
    isRestored = (await hasLocalDatabase(ctx)) && (await restore(ctx, datasetName));
  } finally {
    // Pipeline.sync() creates the folder before it asks the destination; left empty (nothing
    // restored, or an error) it would look like a pipeline to the next command.
    if (!isRestored && !hadFolder) await rm(ctx.folder.path, { recursive: true, force: true });
  }
  const result = isRestored ? await describeRestored(ctx, datasetName) : nothingRestored(ctx, datasetName);
  if (ctx.options.json) return printJson(ctx.io, result);
  ctx.io.stdout(`${formatSync(result)}\n`);
}

/** Local mode keeps everything in one database file; without it there is nothing to restore (and opening would create it). */
async function hasLocalDatabase(ctx: PipelineContext): Promise<boolean> {
  if (!ctx.isLocal) return true;
  const { localModePaths } = await import("../../destination/local/engine.js");
  return existsSync(localModePaths(ctx.projectDir).databasePath);
}

async function restore(ctx: PipelineContext, datasetName: string): Promise<boolean> {
  // The pipeline resolves its own configuration; `--local` reaches it the way `run --local` does.
  const { Pipeline } = await import("../../pipeline/pipeline.js");
  const pipeline = new Pipeline({ pipelineName: ctx.name, datasetName, pipelinesDir: ctx.pipelinesDir, projectDir: ctx.projectDir, local: ctx.isLocal });
  return await pipeline.sync();
}

async function describeRestored(ctx: PipelineContext, requestedDataset: string): Promise<SyncResult> {
  const state = await ctx.folder.readState();
  const schemas = await ctx.folder.listSchemas();
  const pending = (await listLoadPackages(ctx.folder.packagesRoot)).filter((p) => p.state === "normalized").length;
  return {
    status: "ok",
    pipeline_name: ctx.name,
    dataset_name: state?.dataset_name ?? requestedDataset,
    destination: ctx.destinationName,
    restored: true,
    working_folder: ctx.folder.path,
    ...(state ? { state_version: state._state_version, version_hash: state._version_hash, sources: Object.keys(state.sources) } : {}),
    schemas: schemas.map((s) => ({ name: s.name, version: s.version, tables: Object.keys(s.tables).length })),
    pending_packages: pending,
  };
}

function nothingRestored(ctx: PipelineContext, datasetName: string): SyncResult {
  return {
    status: "ok",
    pipeline_name: ctx.name,
    dataset_name: datasetName,
    destination: ctx.destinationName,
    restored: false,
    working_folder: ctx.folder.path,
  };
}

/**
 * The sync result as text.
 *
 * @example
 * formatSync({ status: "ok", pipeline_name: "shop", restored: false, ... }); // "Nothing to restore: …"
 */
export function formatSync(result: SyncResult): string {
  const where = `${result.destination} dataset ${result.dataset_name}`;
  if (!result.restored) {
    return (
      `Nothing to restore: ${where} holds no committed state of pipeline ${result.pipeline_name}. ` +
      `Check the dataset (pass --dataset <name>) and whether the pipeline ran with${result.destination.includes("local") ? "" : "out"} --local.`
    );
  }
  const lines = [
    `Restored pipeline ${result.pipeline_name} from ${where} into ${result.working_folder}:`,
    `  state version ${result.state_version ?? "?"} (hash ${result.version_hash ?? "?"}), sources: ${result.sources?.join(", ") || "(none)"}`,
    ...(result.schemas ?? []).map((s) => `  schema ${s.name} version ${s.version}: ${s.tables} tables`),
  ];
  if (result.pending_packages) lines.push(`  ${result.pending_packages} load package(s) still pending in the working folder: the next run loads them.`);
  return lines.join("\n");
}
