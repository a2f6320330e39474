/**
 * `dlt-athena pipeline <name> info | trace | schema | drop | sync | failed-jobs | drop-pending-packages`
 * (dlt's `_pipeline_command.py`):
 * inspect a pipeline's working folder, restore it from the destination, or drop its data.
 */
import { UsageError } from "../../errors.js";
import { PACKAGE_FAILURE_FILE, listLoadPackages, openLoadPackage } from "../../packages/load-package.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output/render.js";
import { formatPipelineInfo, formatSchema, formatTrace, packageStatus, summarizeSchema, traceFromFile } from "../output/pipeline-text.js";
import type { JobSummary, PackageSummary, PipelineInfo } from "../output/pipeline-text.js";
import { pipelineContext, requireState } from "./pipeline-context.js";
import type { PipelineCommandOptions, PipelineContext } from "./pipeline-context.js";

export type { PipelineCommandOptions } from "./pipeline-context.js";

/** The operations of `dlt-athena pipeline` (program.ts declares them as the argument's choices). */
export type PipelineOperation = "info" | "trace" | "schema" | "drop" | "sync" | "failed-jobs" | "drop-pending-packages";

/**
 * Runs one `pipeline` operation and prints its result (one JSON document with `--json`).
 *
 * @throws UsageError `pipeline_not_found` (exit 2) when the pipeline has no working folder, except
 *   for `sync`, which creates it, and `drop`, which can work from the destination's copy.
 * @example
 * await runPipelineCommand(processIo(), "shop", "info", { json: true });
 */
export async function runPipelineCommand(io: CliIo, name: string, operation: string, options: PipelineCommandOptions): Promise<void> {
  const ctx = pipelineContext(io, name, options);
  const op = operation as PipelineOperation;
  switch (op) {
    case "info":
      return showInfo(ctx);
    case "trace":
      return showTrace(ctx);
    case "schema":
      return showSchema(ctx);
    case "sync": {
      const { syncPipeline } = await import("./pipeline-sync.js");
      return syncPipeline(ctx);
    }
    case "drop": {
      const { dropPipeline } = await import("./pipeline-drop.js");
      return dropPipeline(ctx);
    }
    case "failed-jobs": {
      const { showFailedJobs } = await import("./pipeline-packages.js");
      return showFailedJobs(ctx);
    }
    case "drop-pending-packages": {
      const { dropPendingPackages } = await import("./pipeline-packages.js");
      return dropPendingPackages(ctx);
    }
    default: {
      // commander checks the choices; this guards callers of the function itself.
      const unknown: never = op;
      throw new UsageError("unknown_operation", `Unknown pipeline operation "${String(unknown)}": use one of info, trace, schema, drop, sync, failed-jobs, drop-pending-packages.`);
    }
  }
}

async function showInfo(ctx: PipelineContext): Promise<void> {
  const info = await collectInfo(ctx);
  if (ctx.options.json) return printJson(ctx.io, info);
  ctx.io.stdout(formatPipelineInfo(info));
}

/** Everything `info` reports, read from the working folder and the configuration. */
export async function collectInfo(ctx: PipelineContext): Promise<PipelineInfo> {
  const state = await requireState(ctx);
  const forceIceberg = ctx.config.getBoolean("destination.athena.force_iceberg");
  const schemas = (await ctx.folder.listSchemas()).map((s) => summarizeSchema(s, forceIceberg));
  return {
    pipeline_name: ctx.name,
    dataset_name: state.dataset_name,
    destination: { name: ctx.destinationName, location: await destinationLocation(ctx) },
    working_folder: ctx.folder.path,
    state: {
      version: state._state_version,
      engine_version: state._state_engine_version,
      version_hash: state._version_hash,
      default_schema_name: state.default_schema_name ?? null,
      schema_names: state.schema_names,
      last_run_at: state._local?.last_run_at ?? null,
      sources: state.sources,
    },
    schemas,
    packages: await collectPackages(ctx.folder.packagesRoot),
    last_run: traceFromFile(await ctx.folder.readTrace()),
    // describe() redacts secrets; only the settings that say where data goes are relevant here.
    config: ctx.config.describe().filter((row) => row.key.startsWith("destination.") || row.key.startsWith("pipeline.")),
  };
}

/** Where the data goes, from the configuration; nothing is required (info works unconfigured). */
async function destinationLocation(ctx: PipelineContext): Promise<string> {
  if (ctx.isLocal) {
    const { localModePaths } = await import("../../destination/local/engine.js");
    return localModePaths(ctx.projectDir).databasePath;
  }
  const bucket = ctx.config.getString("destination.filesystem.bucket_url") ?? "bucket_url not set";
  const catalog = ctx.config.getString("destination.athena.aws_data_catalog") ?? "awsdatacatalog";
  const workGroup = ctx.config.getString("destination.athena.athena_work_group");
  return `${bucket} on ${catalog}${workGroup ? `, work group ${workGroup}` : ""}`;
}

/** The packages of the working folder; for those not loaded yet, their jobs and failure reasons. */
async function collectPackages(root: string): Promise<PackageSummary[]> {
  const summaries: PackageSummary[] = [];
  for (const pkg of await listLoadPackages(root)) {
    const status = packageStatus(pkg.state);
    const base = { load_id: pkg.loadId, state: pkg.state, status, created_at: pkg.createdAt };
    if (status === "loaded" || status === "aborted") {
      summaries.push(base);
      continue;
    }
    const opened = await openLoadPackage(root, pkg.loadId);
    const failure = status === "failed" ? (await opened.readJSON<{ reason?: string }>(PACKAGE_FAILURE_FILE))?.reason : undefined;
    const jobs: JobSummary[] = [];
    for (const job of await opened.listJobs()) {
      const failure = job.state === "failed" ? await opened.failureReason(job.name) : undefined;
      jobs.push({ job: job.name, table: job.table, state: job.state, ...(failure !== undefined ? { failure } : {}) });
    }
    summaries.push({ ...base, ...(failure !== undefined ? { failure } : {}), jobs });
  }
  return summaries;
}

async function showTrace(ctx: PipelineContext): Promise<void> {
  await requireState(ctx);
  const trace = traceFromFile(await ctx.folder.readTrace());
  if (ctx.options.json) return printJson(ctx.io, { pipeline_name: ctx.name, ...(trace ?? { steps: [], load_info: null }) });
  ctx.io.stdout(formatTrace(ctx.name, trace));
}

async function showSchema(ctx: PipelineContext): Promise<void> {
  const state = await requireState(ctx);
  const name = state.default_schema_name ?? state.schema_names[0];
  const schema = name === undefined ? undefined : await ctx.folder.readSchema(name);
  if (!schema) {
    throw new UsageError(
      "schema_not_found",
      `Pipeline "${ctx.name}" has no schema${name ? ` "${name}"` : ""} in ${ctx.folder.path} yet: run it once, or restore it with \`dlt-athena pipeline ${ctx.name} sync\`.`,
      { meta: { pipeline: ctx.name, ...(name ? { schema: name } : {}) } },
    );
  }
  if (ctx.options.json) return printJson(ctx.io, schema);
  ctx.io.stdout(formatSchema(schema, ctx.config.getBoolean("destination.athena.force_iceberg")));
}
