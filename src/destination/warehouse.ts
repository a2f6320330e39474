import type { LoadPackage } from "../packages/load-package.js";
import type { Destination, LoadContext, LoadJobResult, PackageLoadResult, RestoredState } from "./contract.js";
import { JOB_MANIFEST } from "../packages/job-manifest.js";
import type { JobManifestEntry } from "../packages/job-manifest.js";
import { parseJobFileName } from "../packages/job-file-name.js";
import type { StoredSchema } from "../schema/types.js";
import type { ObjectStore } from "../staging/object-store.js";
import { deleteTableFiles } from "../staging/replace.js";
import { discoverDeployed, parseStorageColumns, restorePipelineState, storageColumnsSql } from "./athena/discovery.js";
import { NOTHING_DEPLOYED, applyLocationTags, discoveryTableNames, planLoad } from "./athena/planner.js";
import type { DeployedState, PackageFile } from "./athena/planner.js";
import type { Dialect } from "./dialect.js";
import { executePlan } from "./executor.js";
import type { LoadPlan, LoadStep } from "./plan.js";
import type { SqlClient } from "./sql-client.js";

/** What differs between Athena and the local engine; everything else is shared. */
export interface Engine {
  readonly name: string;
  readonly location: string;
  readonly dialect: Dialect;
  readonly client: SqlClient;
  readonly store: ObjectStore;
  /** The bucket URL as table locations should name it. */
  readonly bucketUrl: string;
  readonly undo?: (step: LoadStep) => readonly string[];
}

export interface WarehouseSettings {
  readonly catalog: string;
  readonly datasetName: string;
  readonly stagingDatasetName: string;
  readonly layout: string;
  readonly forceIceberg: boolean;
  readonly maxConcurrency: number;
  readonly uploadConcurrency: number;
  readonly keepStagingFiles: boolean;
  readonly extraPlaceholders?: Readonly<Record<string, string>>;
}

/** A client that counts the statements sent through it (discovery, before a plan exists). */
function countingClient(client: SqlClient): SqlClient & { count: number } {
  const counted = {
    count: 0,
    execute: (sql: string, options?: { readonly database?: string }) => {
      counted.count += 1;
      return client.execute(sql, options);
    },
    close: () => client.close(),
  };
  return counted;
}

/**
 * What is left of an interrupted step. `ALTER TABLE … ADD COLUMNS` cannot be undone and has no
 * IF NOT EXISTS on Athena, so an interrupted one re-adds only the columns the table still lacks.
 */
export async function remainingStep(client: SqlClient, step: LoadStep): Promise<LoadStep | undefined> {
  if (step.kind !== "addColumns") return step;
  const { catalog, database, table } = step.table;
  const result = await client.execute(storageColumnsSql(catalog, [database], [table]));
  const existing = new Set(parseStorageColumns(result, [table]).get(`${database}.${table}`)?.columns ?? []);
  const columns = step.columns.filter((column) => !existing.has(column.name));
  return columns.length > 0 ? { ...step, columns } : undefined;
}

/** The plan of a package is stored in it, so a rerun executes exactly the same steps. */
const PLAN_FILE = "plan.json";

/** Dates do not survive JSON; the plan's `insertedAt` values are revived by key. */
function revivePlan(text: unknown): LoadPlan {
  return JSON.parse(JSON.stringify(text), (key, value: unknown) =>
    key === "insertedAt" && typeof value === "string" ? new Date(value) : value,
  ) as LoadPlan;
}

/**
 * The package's Parquet files, whatever state their job is in. The table comes from the job
 * manifest: a file name carries a shortened name for very long tables.
 */
export async function packageFiles(pkg: LoadPackage): Promise<PackageFile[]> {
  const manifest = (await pkg.readJSON<JobManifestEntry[]>(JOB_MANIFEST)) ?? [];
  const tableOfFile = new Map<string, string>();
  for (const entry of manifest) {
    const fileId = parseJobFileName(entry.job)?.fileId;
    if (fileId !== undefined) tableOfFile.set(fileId, entry.table);
  }
  return (await pkg.listJobs()).map((job) => ({ job: job.name, table: tableOfFile.get(job.fileId) ?? job.table, localPath: job.path, fileId: job.fileId }));
}

/**
 * Plans a package without executing it (`--dry-run`): against `deployed`, or nothing deployed.
 *
 * @example const plan = await planPackage(pkg, schema, settings, "s3://lake/raw");
 */
export async function planPackage(
  pkg: LoadPackage,
  schema: StoredSchema,
  settings: WarehouseSettings,
  bucketUrl: string,
  deployed: DeployedState = NOTHING_DEPLOYED,
): Promise<LoadPlan> {
  return planLoad({
    loadId: pkg.loadId,
    schema,
    catalog: settings.catalog,
    datasetName: settings.datasetName,
    stagingDatasetName: settings.stagingDatasetName,
    bucketUrl,
    layout: settings.layout,
    forceIceberg: settings.forceIceberg,
    files: await packageFiles(pkg),
    deployed,
    now: new Date(),
    ...(settings.extraPlaceholders ? { extraPlaceholders: settings.extraPlaceholders } : {}),
  });
}

/**
 * A destination made of a planner, a dialect, a SQL client and a store: Athena on AWS, or the
 * embedded DuckDB engine with a local bucket folder.
 */
export class WarehouseDestination implements Destination {
  readonly name: string;
  readonly location: string;

  constructor(
    private readonly engine: Engine,
    private readonly settings: WarehouseSettings,
  ) {
    this.name = engine.name;
    this.location = engine.location;
  }

  async loadPackage(pkg: LoadPackage, context: LoadContext): Promise<PackageLoadResult> {
    const { engine, settings } = this;
    const stored = await pkg.readJSON<LoadPlan>(PLAN_FILE);
    let plan: LoadPlan;
    let discovery = { count: 0, seconds: 0 };
    if (stored) {
      plan = revivePlan(stored);
    } else {
      const files = await packageFiles(pkg);
      const started = Date.now();
      const counted = countingClient(engine.client);
      const deployed = await discoverDeployed(counted, {
        catalog: settings.catalog,
        datasetName: settings.datasetName,
        stagingDatasetName: settings.stagingDatasetName,
        versionHash: context.schema.versionHash,
        tables: discoveryTableNames(context.schema, files.map((f) => f.table)),
      });
      discovery = { count: counted.count, seconds: (Date.now() - started) / 1000 };
      plan = await planPackage(pkg, context.schema, settings, engine.bucketUrl, deployed);
      await pkg.writeJSON(PLAN_FILE, plan);
    }
    const total = plan.waves.reduce((n, wave) => n + wave.length, 0);
    let done = 0;
    const result = await executePlan(plan, {
      dialect: engine.dialect,
      client: engine.client,
      store: engine.store,
      layout: settings.layout,
      journal: pkg.journal,
      maxConcurrency: settings.maxConcurrency,
      uploadConcurrency: settings.uploadConcurrency,
      ...(engine.undo ? { undo: engine.undo } : {}),
      reconcile: (step) => remainingStep(engine.client, step),
      onStep: (report) => {
        done += 1;
        context.onStep?.({ kind: report.kind, done, total });
      },
    });
    if (!settings.keepStagingFiles) await this.deleteStagedFiles(plan);
    for (const job of await pkg.listJobs("new")) {
      await pkg.startJob(job.name);
      await pkg.completeJob(job.name);
    }
    for (const job of await pkg.listJobs("started")) await pkg.completeJob(job.name);
    const manifest = (await pkg.readJSON<JobManifestEntry[]>(JOB_MANIFEST)) ?? [];
    const targets = new Map(plan.waves.flat().flatMap((step) => (step.kind === "uploadFiles" ? step.files : [])).map((f) => [f.job, f.key]));
    const jobs: LoadJobResult[] = manifest.map((entry) => ({
      job: entry.job,
      table: entry.table,
      state: "completed",
      rows: entry.rows,
      bytes: entry.bytes,
      ...(targets.has(entry.job) ? { target: `${engine.bucketUrl.replace(/\/$/, "")}/${targets.get(entry.job)}` } : {}),
    }));
    return {
      jobs,
      // Discovery queries run one after another before the plan: they lengthen the chain too.
      queries: {
        ...result.queries,
        count: result.queries.count + discovery.count,
        longestChain: result.queries.longestChain + discovery.count,
        seconds: result.queries.seconds + discovery.seconds,
      },
      warnings: plan.warnings,
      schema: applyLocationTags(context.schema, plan.locationTags),
    };
  }

  /** After a successful load the staged copies of Iceberg tables are no longer needed. */
  private async deleteStagedFiles(plan: LoadPlan): Promise<void> {
    const staged = new Set<string>();
    for (const step of plan.waves.flat()) {
      if (step.kind !== "uploadFiles") continue;
      for (const file of step.files) {
        if (file.key.startsWith(`${this.settings.stagingDatasetName}/`)) staged.add(file.table);
      }
    }
    if (staged.size === 0) return;
    await deleteTableFiles(this.engine.store, {
      datasetPrefix: `${this.settings.stagingDatasetName}/`,
      tables: [...staged],
      layout: this.settings.layout,
    });
  }

  restoreState(pipelineName: string): Promise<RestoredState | undefined> {
    return restorePipelineState(this.engine.client, {
      catalog: this.settings.catalog,
      datasetName: this.settings.datasetName,
      pipelineName,
    });
  }

  async close(): Promise<void> {
    await this.engine.client.close();
  }
}
