/**
 * The Athena load planner: from the schema, the package's files and what discovery found
 * deployed, the typed {@link LoadPlan} of one load. Pure and deterministic — no clock, no
 * randomness, no I/O — so the same input gives the same plan and, compiled, the same SQL.
 *
 * The rules (reference §6–§8, issue 5): Hive tables are external tables over the staged files;
 * Iceberg tables get their files staged in `<dataset>_staging` and copied by DML; child tables
 * follow their root's format and disposition; dlt's own tables are Iceberg.
 */
import { LoadError } from "../../errors.js";
import { toDltStoredSchema } from "../../schema/dlt-format.js";
import { hashSchemaContent } from "../../schema/hash.js";
import { MAX_PREVIOUS_HASHES } from "../../schema/schema.js";
import { DLT_LOADS_TABLE, DLT_VERSION_TABLE, type StoredSchema, type TableSchema } from "../../schema/types.js";
import { datasetKeyPrefix } from "../../staging/bucket-url.js";
import { renderLayout, tablePrefix } from "../../staging/layout.js";
import type { LoadPlan, LoadStep, PlannedColumn, PlannedFile, TableRef } from "../plan.js";
import { planDataSteps, type DataContext } from "./plan-data.js";
import { isDeployable, isStagedIceberg, resolveTables, hashTag, type ResolvedTable } from "./plan-tables.js";
import { StepGraph } from "./plan-waves.js";
import { quoteDdlIdentifier } from "./quote.js";

/** One Parquet file of the load package. */
export interface PackageFile {
  readonly job: string;
  readonly table: string;
  readonly localPath: string;
  readonly fileId: string;
}

/** A table that exists in the destination, as discovery saw it. */
export interface DeployedTable {
  /** Column names (lower-case). */
  readonly columns: readonly string[];
  /** The table's format as the schemas recorded in the destination know it (any pipeline's). */
  readonly format?: "hive" | "iceberg";
  /** The Iceberg location tag the creating pipeline recorded. */
  readonly locationTag?: string;
}

/** What the destination already holds (from `discovery.ts`). */
export interface DeployedState {
  /** `_dlt_version` already holds this schema's version hash: all DDL is known to be done. */
  readonly isSchemaCurrent: boolean;
  /** Keyed `"<database>.<table>"`, lower-case; databases are the dataset and its staging one. */
  readonly tables: ReadonlyMap<string, DeployedTable>;
}

export interface PlanInput {
  readonly loadId: string;
  readonly schema: StoredSchema;
  readonly catalog: string;
  readonly datasetName: string;
  readonly stagingDatasetName: string;
  /** The normalized bucket URL (`BucketUrl.url`); a trailing `/` is ignored. */
  readonly bucketUrl: string;
  readonly layout: string;
  readonly forceIceberg: boolean;
  readonly files: readonly PackageFile[];
  readonly deployed: DeployedState;
  /** `inserted_at` of the `_dlt_*` rows and the time placeholders of the layout. */
  readonly now: Date;
  readonly extraPlaceholders?: Readonly<Record<string, string>>;
}

/** Nothing deployed and nothing known: the state of a fresh dataset or of `--dry-run`. */
export const NOTHING_DEPLOYED: DeployedState = Object.freeze({ isSchemaCurrent: false, tables: new Map() });

/**
 * Plans one load. Steps are grouped in waves: steps of a wave are independent (never two
 * commits to one Iceberg table), waves run in order, and `recordLoad` is alone in the last one.
 *
 * @throws LoadError `table_format_change`, `unsupported_data_type`, `unsafe_identifier`,
 *   `identifier_collision`, `unknown_table`, `merge_key_missing`.
 * @example
 * const plan = planLoad({ loadId: "1714392000.1234567", schema, catalog: "awsdatacatalog",
 *   datasetName: "shop_data", stagingDatasetName: "shop_data_staging", bucketUrl: "s3://my-lake/raw",
 *   layout: "{table_name}/{load_id}.{file_id}.{ext}", forceIceberg: false, files,
 *   deployed: NOTHING_DEPLOYED, now: new Date("2024-04-29T12:00:00Z") });
 * plan.waves.at(-1)?.[0]?.kind; // "recordLoad"
 */
export function planLoad(input: PlanInput): LoadPlan {
  const ctx = createContext(input);
  const graph = new StepGraph();
  for (const table of ctx.ordered) checkFormatSwitch(ctx, table);
  const schema = planSchemaSteps(ctx, graph);
  const warnings: string[] = [];
  planDataSteps(ctx, graph, schema.ddlOf, warnings);
  graph.add(
    {
      kind: "recordLoad",
      table: ctx.ref(ctx.dataset, DLT_LOADS_TABLE),
      row: { loadId: input.loadId, schemaName: input.schema.name, status: 0, insertedAt: input.now, schemaVersionHash: schema.recordedHash },
    },
    graph.all(),
  );
  return deepFreeze({ loadId: input.loadId, waves: graph.toWaves(), warnings, locationTags: schema.tags });
}

/**
 * The tables discovery should look up (in the dataset and its staging database): every table
 * the planner may create or alter.
 *
 * @example
 * discoveryTableNames(schema, ["orders"]); // ["_dlt_version", "_dlt_loads", "orders", …]
 */
export function discoveryTableNames(schema: StoredSchema, tablesWithFiles: Iterable<string>): string[] {
  const files = new Set([...tablesWithFiles].map((t) => t.toLowerCase()));
  return [...resolveTables(schema, files, false).values()].filter(isDeployable).map((t) => t.name);
}

/**
 * The schema with Iceberg location tags recorded (`plan.locationTags`); bumps the version and
 * hash when anything changed. The planner records exactly this schema in `_dlt_version`, so the
 * pipeline must keep it as its schema too (then the next load finds its hash and skips DDL).
 *
 * @example
 * const next = applyLocationTags(schema, plan.locationTags); // store it with the package
 */
export function applyLocationTags(schema: StoredSchema, tags: Readonly<Record<string, string>>): StoredSchema {
  const changed = Object.entries(tags).filter(([name, tag]) => schema.tables[name] !== undefined && schema.tables[name]?.locationTag !== tag);
  if (changed.length === 0) return schema;
  const tables: Record<string, TableSchema> = { ...schema.tables };
  for (const [name, tag] of changed) tables[name] = { ...(tables[name] as TableSchema), locationTag: tag };
  const versionHash = hashSchemaContent({ tables, settings: schema.settings });
  return {
    ...schema,
    tables,
    version: schema.version + 1,
    versionHash,
    previousHashes: [schema.versionHash, ...schema.previousHashes].slice(0, MAX_PREVIOUS_HASHES),
  };
}

function createContext(input: PlanInput): DataContext {
  const catalog = input.catalog.toLowerCase();
  const dataset = input.datasetName.toLowerCase();
  const staging = input.stagingDatasetName.toLowerCase();
  const filesByTable = new Map<string, PackageFile[]>();
  for (const file of input.files) {
    const table = file.table.toLowerCase();
    filesByTable.set(table, [...(filesByTable.get(table) ?? []), file]);
  }
  const tables = resolveTables(input.schema, new Set(filesByTable.keys()), input.forceIceberg, (name) =>
    input.deployed.isSchemaCurrent ? undefined : input.deployed.tables.get(`${dataset}.${name}`)?.format,
  );
  const bucket = input.bucketUrl.replace(/\/+$/, "");
  const folder = (database: string, table: string) => `${bucket}/${datasetKeyPrefix(database)}${tablePrefix(input.layout, table)}`;
  return {
    input,
    catalog,
    dataset,
    staging,
    tables,
    ordered: [...tables.values()],
    ref: (database: string, table: string): TableRef => ({ catalog, database, table }),
    folder,
    plannedFiles: (table: ResolvedTable) => plannedFiles(input, table, filesByTable.get(table.name) ?? [], table.format === "iceberg" ? staging : dataset),
  };
}

function plannedFiles(input: PlanInput, table: ResolvedTable, files: readonly PackageFile[], database: string): PlannedFile[] {
  return files.map((file) => ({
    job: file.job,
    table: table.name,
    localPath: file.localPath,
    key:
      datasetKeyPrefix(database) +
      renderLayout(input.layout, {
        schemaName: input.schema.name,
        tableName: table.name,
        loadId: input.loadId,
        fileId: file.fileId,
        ext: "parquet",
        loadPackageTimestamp: input.now,
        ...(input.extraPlaceholders === undefined ? {} : { extraPlaceholders: input.extraPlaceholders }),
      }),
  }));
}

/**
 * Refuses to switch a table between Hive and Iceberg, where Athena cannot convert it in place.
 * What a table is comes from the destination: the format the schemas recorded there give it
 * (any pipeline's), else a location tag in this schema (it was created as Iceberg), else Hive
 * for a table discovery finds without either. A resource's `table_format` or `force_iceberg`
 * that contradicts it is refused; without them the table keeps its format (`formatOf`). dlt's
 * own tables are exempt (always Iceberg; Python dlt made the state table Hive).
 */
function checkFormatSwitch(ctx: DataContext, table: ResolvedTable): void {
  if (table.isDltTable || table.root !== table.name) return;
  const { deployed } = ctx.input;
  const found = deployed.isSchemaCurrent ? undefined : deployed.tables.get(`${ctx.dataset}.${table.name}`);
  const wasIceberg = table.schema.locationTag !== undefined;
  const existing = found?.format ?? (wasIceberg ? "iceberg" : found !== undefined ? "hive" : undefined);
  if (existing !== undefined && existing !== table.format) throw formatChange(ctx, table, existing, table.format);
}

function formatChange(ctx: DataContext, table: ResolvedTable, from: string, to: string): LoadError {
  return new LoadError(
    "table_format_change",
    `Table \`${table.name}\` exists in \`${ctx.dataset}\` as a ${from} table, but this pipeline's table_format (or force_iceberg) makes it ${to}. ` +
      `Athena cannot convert a table in place: set table_format="${from}" on the resource (or remove the hint, to follow the existing table), ` +
      `or drop the table (and its data) and load it again, or load into a new dataset.`,
    { meta: { table: table.name, dataset: ctx.dataset, from, to } },
  );
}

interface SchemaSteps {
  readonly ddlOf: ReadonlyMap<string, number>;
  readonly tags: Record<string, string>;
  readonly recordedHash: string;
}

/** Databases, CREATE/ALTER of every deployable table (and staging copies), then `recordSchema`. */
function planSchemaSteps(ctx: DataContext, graph: StepGraph): SchemaSteps {
  const ddlOf = new Map<string, number>();
  const tags: Record<string, string> = {};
  if (ctx.input.deployed.isSchemaCurrent) return { ddlOf, tags, recordedHash: ctx.input.schema.versionHash };
  const deploy = ctx.ordered.filter(isDeployable);
  const staged = deploy.filter(isStagedIceberg);
  const db = createDatabase(ctx, graph, ctx.dataset);
  const stagingDb = staged.length > 0 ? createDatabase(ctx, graph, ctx.staging) : undefined;
  for (const table of deploy) {
    const step = tableDdl(ctx, table, ctx.dataset, tags);
    if (step !== undefined) ddlOf.set(`${ctx.dataset}.${table.name}`, graph.add(step, [db], icebergTouch(step)));
  }
  for (const table of staged) {
    const step = tableDdl(ctx, table, ctx.staging, tags);
    if (step !== undefined) ddlOf.set(`${ctx.staging}.${table.name}`, graph.add(step, [stagingDb]));
  }
  // An Iceberg table another pipeline created: record its tag, so this schema knows it as Iceberg.
  for (const table of deploy) {
    const found = ctx.input.deployed.tables.get(`${ctx.dataset}.${table.name}`);
    if (table.format === "iceberg" && !table.isDltTable && table.schema.locationTag === undefined && found?.locationTag !== undefined) {
      tags[table.name] = found.locationTag;
    }
  }
  const recorded = applyLocationTags(ctx.input.schema, tags);
  const versionRef = ctx.ref(ctx.dataset, DLT_VERSION_TABLE);
  graph.add(
    {
      kind: "recordSchema",
      table: versionRef,
      row: {
        version: recorded.version,
        engineVersion: recorded.engineVersion,
        insertedAt: ctx.input.now,
        schemaName: recorded.name,
        versionHash: recorded.versionHash,
        // dlt's own stored format, so Python dlt can restore the schema from the destination.
        schema: JSON.stringify(toDltStoredSchema(recorded)),
      },
    },
    [db, ...ddlOf.values()],
    [`${ctx.dataset}.${DLT_VERSION_TABLE}`],
  );
  return { ddlOf, tags, recordedHash: recorded.versionHash };
}

/** `CREATE DATABASE IF NOT EXISTS`, skipped when discovery already saw a table in it. */
function createDatabase(ctx: DataContext, graph: StepGraph, database: string): number | undefined {
  for (const key of ctx.input.deployed.tables.keys()) if (key.startsWith(`${database}.`)) return undefined;
  return graph.add({ kind: "createDatabase", catalog: ctx.catalog, database }, []);
}

function tableDdl(ctx: DataContext, table: ResolvedTable, database: string, tags: Record<string, string>): LoadStep | undefined {
  const ref = ctx.ref(database, table.name);
  const columns = plannedColumns(table);
  const isStagingCopy = database !== ctx.dataset;
  const deployed = ctx.input.deployed.tables.get(`${database}.${table.name}`);
  if (deployed !== undefined) {
    const have = new Set(deployed.columns.map((c) => c.toLowerCase()));
    const missing = columns.filter((c) => !have.has(c.name));
    if (missing.length === 0) return undefined;
    return { kind: "addColumns", table: ref, format: isStagingCopy ? "hive" : table.format, columns: missing };
  }
  if (isStagingCopy || table.format === "hive") {
    return { kind: "createExternalTable", table: ref, columns, location: ctx.folder(database, table.name), ifNotExists: true };
  }
  // A fresh location per creation: Athena must never create an Iceberg table where another
  // table's data or metadata still lies (a dropped table's files stay behind).
  const tag = table.schema.locationTag ?? hashTag([ctx.dataset, table.name, ctx.input.loadId]);
  tags[table.name] = tag;
  const partitions = Object.values(table.schema.columns)
    .filter((c) => c.partition === true)
    .map((c) => quoteDdlIdentifier(c.name));
  const location = `${ctx.folder(ctx.dataset, table.name).replace(/\/$/, "")}_${tag}`;
  return { kind: "createIcebergTable", table: ref, columns, location, partitions, ifNotExists: true };
}

function icebergTouch(step: LoadStep): string[] {
  if (step.kind === "createIcebergTable") return [`${step.table.database}.${step.table.table}`];
  if (step.kind === "addColumns" && step.format === "iceberg") return [`${step.table.database}.${step.table.table}`];
  return [];
}

function plannedColumns(table: ResolvedTable): PlannedColumn[] {
  return Object.values(table.schema.columns).map((c) => ({
    name: c.name.toLowerCase(),
    dataType: c.dataType,
    ...(c.precision === undefined ? {} : { precision: c.precision }),
    ...(c.scale === undefined ? {} : { scale: c.scale }),
  }));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
