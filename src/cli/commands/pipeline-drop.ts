import { rm } from "node:fs/promises";
import { DltAthenaError, UsageError } from "../../errors.js";
import { UNDEFINED_RELATION } from "../../destination/sql-client.js";
import type { LoadStep } from "../../destination/plan.js";
import { listLoadPackages } from "../../packages/load-package.js";
import { DLT_STATE_TABLE } from "../../schema/types.js";
import type { StoredSchema } from "../../schema/types.js";
import { datasetKeyPrefix } from "../../staging/bucket-url.js";
import { printJson } from "../output/render.js";
import { terminalPrompter } from "../prompt.js";
import type { Prompter } from "../prompt.js";
import { openCliEngine } from "./destination-engine.js";
import type { CliEngine } from "./destination-engine.js";
import { planDrop } from "../../destination/drop-plan.js";
import type { DropPlan } from "../../destination/drop-plan.js";
import { formatDropPreview } from "./drop-preview.js";
import { datasetOf } from "./pipeline-context.js";
import type { PipelineContext } from "./pipeline-context.js";
import { forEachLimit } from "../../util/concurrency.js";

/** The `pipeline <name> drop --json` document. */
export interface DropResult {
  readonly status: "ok" | "cancelled";
  readonly pipeline_name: string;
  readonly dataset_name: string;
  readonly destination: string;
  readonly dropped_tables: readonly string[];
  readonly deleted_files: number;
  readonly deleted_schema_versions: readonly string[];
  readonly working_folder_removed: boolean;
}

/**
 * `pipeline <name> drop`: prints what will go, asks (unless `--yes`), then deletes the pipeline's
 * schema versions and state rows, drops its tables, deletes its Hive tables' staged files and
 * removes the working folder. Every part is idempotent, so a drop that failed half-way is
 * completed by running it again. Without a working folder the schemas come from the destination.
 *
 * @throws UsageError `confirmation_required` (exit 2) without `--yes` when nobody can answer.
 */
export async function dropPipeline(ctx: PipelineContext, prompter: Prompter = terminalPrompter): Promise<void> {
  const { warehouseSettings } = await import("../../destination/factory.js");
  const state = await ctx.folder.readState();
  const settings = warehouseSettings(ctx.config, datasetOf(ctx, state));
  const engine = await openCliEngine(ctx.config, { database: settings.datasetName, catalog: settings.catalog });
  try {
    const schemas = state ? await ctx.folder.listSchemas() : await remoteSchemas(ctx, engine, settings);
    const plan = planDrop({ pipelineName: ctx.name, schemas, ...settings });
    const pending = (await listLoadPackages(ctx.folder.packagesRoot)).filter((p) => p.state === "normalized").length;
    const target = {
      pipelineName: ctx.name,
      datasetName: settings.datasetName,
      stagingDatasetName: settings.stagingDatasetName,
      destination: engine ? { name: engine.name, location: engine.location } : undefined,
      filesUrl: `${engine?.store.url ?? ""}/${datasetKeyPrefix(settings.datasetName)}`,
      layout: settings.layout,
      workingFolder: state ? ctx.folder.path : undefined,
      pendingPackages: pending,
    };
    ctx.io.stderr(formatDropPreview(plan, target));
    if (!(await isConfirmed(ctx, prompter))) {
      ctx.io.stderr("Nothing was dropped.\n");
      return report(ctx, { ...emptyResult(ctx, settings.datasetName), status: "cancelled" });
    }
    const result = engine ? await executeDrop(plan, engine, settings) : { dropped: [], files: 0 };
    // Last: while the folder exists a failed drop can be rerun with the same schemas.
    await rm(ctx.folder.path, { recursive: true, force: true });
    return report(ctx, {
      ...emptyResult(ctx, settings.datasetName),
      dropped_tables: result.dropped,
      deleted_files: result.files,
      deleted_schema_versions: engine ? plan.schemaNames : [],
      working_folder_removed: state !== undefined,
    });
  } finally {
    await engine?.client.close();
  }
}

/** The schemas the destination keeps for this pipeline, or `pipeline_not_found` when it has none. */
async function remoteSchemas(
  ctx: PipelineContext,
  engine: CliEngine | undefined,
  settings: { readonly catalog: string; readonly datasetName: string },
): Promise<readonly StoredSchema[]> {
  const { restorePipelineState } = await import("../../destination/athena/discovery.js");
  const restored = engine ? await restorePipelineState(engine.client, { catalog: settings.catalog, datasetName: settings.datasetName, pipelineName: ctx.name }) : undefined;
  if (restored) return restored.schemas;
  throw new UsageError(
    "pipeline_not_found",
    `Pipeline "${ctx.name}" has no working folder in ${ctx.pipelinesDir} and ${ctx.destinationName} dataset ${settings.datasetName} holds no state of it: nothing to drop. ` +
      `If its dataset has another name, pass --dataset <name>${ctx.isLocal ? "" : "; if it ran with --local, pass --local"}.`,
    { meta: { pipeline: ctx.name, dataset: settings.datasetName } },
  );
}

async function isConfirmed(ctx: PipelineContext, prompter: Prompter): Promise<boolean> {
  if (ctx.options.yes) return true;
  if (!prompter.canPrompt(ctx.io)) {
    throw new UsageError(
      "confirmation_required",
      `Dropping pipeline "${ctx.name}" deletes data and cannot be undone; there is no terminal to confirm it, so pass --yes (dlt-athena pipeline ${ctx.name} drop${ctx.options.local ? " --local" : ""}${ctx.options.dataset ? ` --dataset ${ctx.options.dataset}` : ""} --yes).`,
      { meta: { pipeline: ctx.name } },
    );
  }
  return prompter.confirm(ctx.io, "Do you want to proceed?");
}

/** Cleanup rows first (see `planDrop`), then the tables, then the Hive files. */
async function executeDrop(
  plan: DropPlan,
  engine: CliEngine,
  settings: { readonly catalog: string; readonly datasetName: string; readonly stagingDatasetName: string; readonly layout: string; readonly maxConcurrency: number },
): Promise<{ dropped: string[]; files: number }> {
  if (plan.stagingTables.length > 0) {
    // Staging copies are dropped only from this dataset's own staging dataset, never another's.
    const { claimStagingDataset } = await import("../../staging/staging-marker.js");
    const { dltTableIn } = await import("../../destination/warehouse.js");
    await claimStagingDataset(engine.store, {
      dataset: settings.datasetName,
      stagingDataset: settings.stagingDatasetName,
      layout: settings.layout,
      ownTables: [...plan.tables, DLT_STATE_TABLE],
      holdsDltTables: () => dltTableIn(engine.client, settings.catalog, settings.stagingDatasetName),
    });
  }
  for (const { step } of plan.cleanup) await runStepIgnoringMissing(engine, step);
  const dropped: string[] = [];
  await forEachLimit(plan.dropSteps, settings.maxConcurrency, async (step) => {
    if (await runStepIgnoringMissing(engine, step)) dropped.push(`${step.table.database}.${step.table.table}`);
  });
  const { deleteTableFiles } = await import("../../staging/replace.js");
  // Only the dataset's folder, only the Hive tables' folders; the guard in deleteTableFiles
  // refuses any listed key outside them.
  const { deleted } = plan.hiveTables.length
    ? await deleteTableFiles(engine.store, { datasetPrefix: settings.datasetName, tables: plan.hiveTables, layout: settings.layout })
    : { deleted: [] };
  return { dropped: dropped.sort(), files: deleted.length };
}

/**
 * Runs a step as the engine's dialect compiles it; a missing table or database means there is
 * nothing to delete there. Returns whether the step compiled to SQL.
 */
async function runStepIgnoringMissing(engine: CliEngine, step: LoadStep): Promise<boolean> {
  const compiled = engine.dialect.compileStep(step);
  if (compiled.kind !== "sql") return false;
  for (const statement of compiled.statements) {
    try {
      await engine.client.execute(statement);
    } catch (error) {
      if (!(error instanceof DltAthenaError && error.code === UNDEFINED_RELATION)) throw error;
    }
  }
  return true;
}

function emptyResult(ctx: PipelineContext, datasetName: string): DropResult {
  return {
    status: "ok",
    pipeline_name: ctx.name,
    dataset_name: datasetName,
    destination: ctx.destinationName,
    dropped_tables: [],
    deleted_files: 0,
    deleted_schema_versions: [],
    working_folder_removed: false,
  };
}

function report(ctx: PipelineContext, result: DropResult): void {
  if (ctx.options.json) return printJson(ctx.io, result);
  if (result.status === "cancelled") return;
  const parts = [
    `${result.dropped_tables.length} table(s)`,
    `${result.deleted_files} staged file(s)`,
    ...(result.deleted_schema_versions.length ? [`schema versions of ${result.deleted_schema_versions.join(", ")}`] : []),
    ...(result.working_folder_removed ? [`the working folder ${ctx.folder.path}`] : []),
  ];
  ctx.io.stdout(`Dropped pipeline ${ctx.name} from ${result.destination} dataset ${result.dataset_name}: ${parts.join(", ")}.\n`);
}
