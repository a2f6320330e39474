import type { LoadPackage } from "../packages/load-package.js";
import type { Destination, DestinationStateRead, LoadContext, LoadJobResult, PackageLoadResult, RestoredState } from "./contract.js";
import { JOB_MANIFEST } from "../packages/job-manifest.js";
import type { JobManifestEntry } from "../packages/job-manifest.js";
import { parseJobFileName } from "../packages/job-file-name.js";
import type { StoredSchema } from "../schema/types.js";
import type { ObjectStore } from "../staging/object-store.js";
import { deleteTableFiles } from "../staging/replace.js";
import { discoverDeployed, parseStorageColumns, readStateSnapshot, restorePipelineState, restoreSchemas, storageColumnsSql } from "./athena/discovery.js";
import { NOTHING_DEPLOYED, applyLocationTags, discoveryTableNames, planLoad } from "./athena/planner.js";
import type { DeployedState, PackageFile } from "./athena/planner.js";
import type { Dialect } from "./dialect.js";
import { executePlan } from "./executor.js";
import { tablesWrittenBy } from "./plan.js";
import type { LoadPlan, LoadStep } from "./plan.js";
import { assertNotStaging, claimStagingDataset } from "../staging/staging-marker.js";
import { UNDEFINED_RELATION } from "./sql-client.js";
import type { SqlClient } from "./sql-client.js";
import { DltAthenaError } from "../errors.js";
import { DLT_LOADS_TABLE, DLT_VERSION_TABLE } from "../schema/types.js";

/** What differs between Athena and the local engine; everything else is shared. */
export interface Engine {
  readonly name: string;
  /** See {@link Destination.identity}. */
  readonly identity: string;
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

/**
 * The first of dlt's own tables (`_dlt_loads`, `_dlt_version`) a database holds, if any: a
 * dataset a pipeline loads into has them, a staging dataset never does. One query.
 */
export async function dltTableIn(client: SqlClient, catalog: string, database: string): Promise<string | undefined> {
  const tables = [DLT_LOADS_TABLE, DLT_VERSION_TABLE];
  const sql = storageColumnsSql(catalog, [database], tables);
  try {
    const found = parseStorageColumns(await client.execute(sql), tables);
    return tables.find((table) => found.has(`${database.toLowerCase()}.${table}`));
  } catch (error) {
    if (error instanceof DltAthenaError && error.code === UNDEFINED_RELATION) return undefined;
    throw error;
  }
}

/** The databases a step creates, writes, uploads to or deletes in (lower-case). */
export function databasesOf(step: LoadStep): string[] {
  switch (step.kind) {
    case "createDatabase":
      return [step.database];
    case "deleteTableFiles":
      return [step.dataset];
    case "uploadFiles":
      return step.files.map((file) => file.key.split("/")[0] ?? "");
    case "insertFromStaging":
      return [step.target.database, step.staging.database];
    case "mergeDeleteInsert":
      return [step.root.target.database, step.root.staging.database, step.deleteKeys.database, step.insertKeys.database];
    case "mergeUpsert":
      return [step.root.target.database, step.root.staging.database];
    default:
      return tablesWrittenBy(step).map((table) => table.database);
  }
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
  readonly identity: string;
  readonly location: string;
  /** Schema versions this run's sync read looked up in `_dlt_version`, and those it found. */
  private known: { checked: Set<string>; recorded: Set<string>; dltTablesExist: boolean } | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly settings: WarehouseSettings,
  ) {
    this.name = engine.name;
    this.identity = engine.identity;
    this.location = engine.location;
  }

  /** One query: the pipeline's newest committed state and which of `schemaHashes` are recorded. */
  async readState(pipelineName: string, schemaHashes: readonly string[]): Promise<DestinationStateRead> {
    const { catalog, datasetName } = this.settings;
    const snapshot = await readStateSnapshot(this.engine.client, { catalog, datasetName, pipelineName, versionHashes: schemaHashes });
    this.known = { checked: new Set(schemaHashes), recorded: new Set(snapshot.recordedHashes), dltTablesExist: snapshot.datasetExists };
    const state = snapshot.state?.state;
    const isState = state !== null && typeof state === "object" && !Array.isArray(state);
    return { datasetExists: snapshot.datasetExists, state: isState ? (state as DestinationStateRead["state"]) : undefined };
  }

  restoreSchemas(names: readonly string[]): Promise<StoredSchema[]> {
    this.known = undefined;
    return restoreSchemas(this.engine.client, this.settings, names);
  }

  async loadPackage(pkg: LoadPackage, context: LoadContext): Promise<PackageLoadResult> {
    const { engine, settings } = this;
    const stored = await pkg.readJSON<LoadPlan>(PLAN_FILE);
    let plan: LoadPlan;
    let discovery = { count: 0, seconds: 0 };
    if (stored) {
      plan = revivePlan(stored);
      const counted = countingClient(engine.client);
      await this.assertOwnStaging(plan, context.schema, counted);
      discovery = { count: counted.count, seconds: 0 };
    } else {
      const started = Date.now();
      const counted = countingClient(engine.client);
      const deployed = await this.discover(counted, pkg, context.schema);
      discovery = { count: counted.count, seconds: (Date.now() - started) / 1000 };
      plan = await planPackage(pkg, context.schema, settings, engine.bucketUrl, deployed);
      // A plan refused here is not stored: the next run plans again, with the configuration it has then.
      await this.assertOwnStaging(plan, context.schema, counted);
      discovery = { count: counted.count, seconds: (Date.now() - started) / 1000 };
      await pkg.writeJSON(PLAN_FILE, plan);
    }
    // Any plan may record a schema version (a stored one from an interrupted run too): what the
    // run's sync read found is stale from here on, so the next package of the run looks again.
    this.known = undefined;
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

  /**
   * Staging files are deleted and staging tables dropped only in this dataset's own staging
   * dataset, and nothing is loaded into a dataset that is another one's staging. A stored plan
   * is checked against the staging database it names (the configuration may have changed since).
   */
  private async assertOwnStaging(plan: LoadPlan, schema: StoredSchema, client: SqlClient): Promise<void> {
    const { engine, settings } = this;
    await assertNotStaging(engine.store, settings.datasetName);
    const stagingDatabases = new Set<string>();
    for (const step of plan.waves.flat()) {
      for (const database of databasesOf(step)) if (database !== settings.datasetName) stagingDatabases.add(database);
    }
    for (const staging of stagingDatabases) {
      await claimStagingDataset(engine.store, {
        dataset: settings.datasetName,
        stagingDataset: staging,
        layout: settings.layout,
        ownTables: Object.keys(schema.tables).map((t) => t.toLowerCase()),
        holdsDltTables: () => dltTableIn(client, settings.catalog, staging),
      });
    }
  }

  /** What the destination holds for a package's tables (read-only). */
  async discover(client: SqlClient, pkg: LoadPackage, schema: StoredSchema): Promise<DeployedState> {
    const files = await packageFiles(pkg);
    return discoverDeployed(client, {
      catalog: this.settings.catalog,
      datasetName: this.settings.datasetName,
      stagingDatasetName: this.settings.stagingDatasetName,
      versionHash: schema.versionHash,
      tables: discoveryTableNames(schema, files.map((f) => f.table)),
      ...(this.known ? { known: this.known } : {}),
    });
  }

  /** What `--dry-run` asks: read-only discovery of the package's tables. */
  discoverOnly(pkg: LoadPackage, schema: StoredSchema): Promise<DeployedState> {
    return this.discover(this.engine.client, pkg, schema);
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
