/**
 * What the destination already holds, read with as few queries as possible (reference §6.3,
 * §8.3): one `_dlt_version` lookup by version hash, and — only when that misses — one
 * INFORMATION_SCHEMA query for every table of the load in the dataset and its staging database.
 * Also the state-restore queries and dlt's state encoding. SQL builders and parsers are pure;
 * the two `read…`/`discover…` functions run queries through a {@link SqlClient}.
 */

import { DltAthenaError } from "../../errors.js";
import type { RestoredState } from "../contract.js";
import { DLT_LOADS_TABLE, DLT_STATE_TABLE, DLT_VERSION_TABLE, type StoredSchema } from "../../schema/types.js";
import { fromDltStoredSchema, isDltStoredSchema } from "../../schema/dlt-format.js";
import { SCHEMA_ENGINE_VERSION } from "../../schema/dlt-tables.js";
import { UNDEFINED_RELATION, type QueryResult, type SqlClient } from "../sql-client.js";
import { decodeCompressedJson as decodeState } from "../../util/compressed-json.js";
import type { DeployedState, DeployedTable } from "./planner.js";
import { qualifyDml, quoteDmlIdentifier as q, quoteLiteral } from "./quote.js";

/** Above this many tables the `table_name IN (…)` filter is dropped, as dlt does. */
export const INFO_TABLES_QUERY_THRESHOLD = 90;

const ref = (catalog: string, database: string, table: string) => ({ catalog, database, table });

/**
 * Does `_dlt_version` hold this schema version?
 *
 * @example
 * schemaVersionExistsSql("awsdatacatalog", "shop", "x1Yb=");
 * // 'SELECT "version_hash" FROM "awsdatacatalog"."shop"."_dlt_version" WHERE "version_hash" = \'x1Yb=\' LIMIT 1'
 */
export function schemaVersionExistsSql(catalog: string, dataset: string, versionHash: string): string {
  return `SELECT ${q("version_hash")} FROM ${qualifyDml(ref(catalog, dataset, DLT_VERSION_TABLE))} WHERE ${q("version_hash")} = ${quoteLiteral(versionHash)} LIMIT 1`;
}

/**
 * One INFORMATION_SCHEMA query for the columns of `tables` in all `databases`.
 *
 * @example
 * storageColumnsSql("awsdatacatalog", ["shop", "shop_staging"], ["orders"]);
 */
export function storageColumnsSql(catalog: string, databases: readonly string[], tables: readonly string[]): string {
  const lower = (names: readonly string[]) => names.map((n) => quoteLiteral(n.toLowerCase())).join(", ");
  const catalogName = catalog.toLowerCase();
  const byTable = tables.length > 0 && tables.length <= INFO_TABLES_QUERY_THRESHOLD ? ` AND table_name IN (${lower(tables)})` : "";
  return (
    `SELECT table_schema, table_name, column_name FROM ${q(catalogName)}.INFORMATION_SCHEMA.COLUMNS ` +
    `WHERE table_catalog = ${quoteLiteral(catalogName)} AND table_schema IN (${lower(databases)})${byTable} ` +
    `ORDER BY table_schema, table_name, ordinal_position`
  );
}

/**
 * Rows of {@link storageColumnsSql} → tables keyed `"<database>.<table>"`; rows of tables not
 * asked for (the query without a name filter) are skipped.
 *
 * @example
 * parseStorageColumns(result, ["orders"]).get("shop.orders")?.columns; // ["id", "_dlt_id"]
 */
export function parseStorageColumns(result: QueryResult, tables: readonly string[]): Map<string, DeployedTable> {
  const wanted = new Set(tables.map((t) => t.toLowerCase()));
  const index = (name: string) => result.columns.findIndex((c) => c.name.toLowerCase() === name);
  const [schemaAt, tableAt, columnAt] = [index("table_schema"), index("table_name"), index("column_name")];
  const columns = new Map<string, string[]>();
  for (const row of result.rows) {
    const table = String(row[tableAt]).toLowerCase();
    if (!wanted.has(table)) continue;
    const key = `${String(row[schemaAt]).toLowerCase()}.${table}`;
    columns.set(key, [...(columns.get(key) ?? []), String(row[columnAt]).toLowerCase()]);
  }
  return new Map([...columns].map(([key, names]) => [key, { columns: names }]));
}

/** `table_schema` of the rows {@link deployedTablesSql} adds for the schemas recorded in `_dlt_version`. */
const RECORDED_SCHEMAS = "_dlt_recorded_schemas";

/**
 * {@link storageColumnsSql} plus, in the same query, the newest recorded version of every schema
 * in the dataset's `_dlt_version` (rows with `table_schema` = '_dlt_recorded_schemas'): the
 * destination's own record of each table's format, whichever pipeline created it.
 *
 * @example
 * deployedTablesSql("awsdatacatalog", "shop", ["shop", "shop_staging"], ["orders"]);
 */
export function deployedTablesSql(catalog: string, dataset: string, databases: readonly string[], tables: readonly string[]): string {
  const columns = storageColumnsSql(catalog, databases, tables).replace(
    /^SELECT table_schema, table_name, column_name FROM/,
    "SELECT table_schema, table_name, column_name, ordinal_position FROM",
  ).replace(/ ORDER BY table_schema, table_name, ordinal_position$/, "");
  const newest =
    `SELECT ${q("schema_name")}, ${q("schema")}, row_number() OVER (PARTITION BY ${q("schema_name")} ORDER BY ${q("inserted_at")} DESC) AS ${q("rn")} ` +
    `FROM ${qualifyDml(ref(catalog, dataset, DLT_VERSION_TABLE))}`;
  return (
    `${columns} UNION ALL SELECT ${quoteLiteral(RECORDED_SCHEMAS)} AS table_schema, v.${q("schema_name")} AS table_name, v.${q("schema")} AS column_name, 0 AS ordinal_position ` +
    `FROM (${newest}) AS v WHERE v.${q("rn")} = 1 ORDER BY 1, 2, 4`
  );
}

/**
 * Table formats as the schemas recorded in the destination know them: a table any schema gave
 * an Iceberg location tag is Iceberg (with that tag); one a schema loaded without a tag is Hive.
 *
 * @example recordedFormats(result).get("orders"); // { format: "iceberg", locationTag: "3f9a0c7e21bd" }
 */
export function recordedFormats(result: QueryResult): Map<string, { format: "hive" | "iceberg"; locationTag?: string }> {
  const index = (name: string) => result.columns.findIndex((c) => c.name.toLowerCase() === name);
  const [schemaAt, columnAt] = [index("table_schema"), index("column_name")];
  const formats = new Map<string, { format: "hive" | "iceberg"; locationTag?: string }>();
  for (const row of result.rows) {
    if (row[schemaAt] !== RECORDED_SCHEMAS) continue;
    let schema: StoredSchema;
    try {
      schema = storedSchemaOf({ schema: decodeState(String(row[columnAt])) } as RemoteSchema);
    } catch {
      continue;
    }
    for (const table of Object.values(schema?.tables ?? {})) {
      const name = table.name.toLowerCase();
      if (table.locationTag !== undefined) formats.set(name, { format: "iceberg", locationTag: table.locationTag });
      else if (table.seenData === true && !formats.has(name)) formats.set(name, { format: "hive" });
    }
  }
  return formats;
}

export interface DiscoveryInput {
  readonly catalog: string;
  readonly datasetName: string;
  readonly stagingDatasetName: string;
  readonly versionHash: string;
  /** Tables to look up (`discoveryTableNames` of the planner). */
  readonly tables: readonly string[];
  /** What this run's sync read already learned about `_dlt_version` (saves the version check). */
  readonly known?: { readonly checked: ReadonlySet<string>; readonly recorded: ReadonlySet<string>; readonly dltTablesExist: boolean };
}

/**
 * Reads what is deployed: 1 query when the schema version is recorded, else 2 (none and 1 when
 * the run's sync read already looked the version up). A missing
 * database or table (`undefined_relation`) means "nothing deployed there".
 *
 * @example
 * const deployed = await discoverDeployed(client, { catalog, datasetName, stagingDatasetName, versionHash, tables });
 * const plan = planLoad({ ...input, deployed });
 */
export async function discoverDeployed(client: SqlClient, input: DiscoveryInput): Promise<DeployedState> {
  const dataset = input.datasetName.toLowerCase();
  if (input.known?.checked.has(input.versionHash)) {
    if (input.known.recorded.has(input.versionHash)) return { isSchemaCurrent: true, tables: new Map() };
  } else {
    const versionRows = await queryOrNothing(client, schemaVersionExistsSql(input.catalog, dataset, input.versionHash), dataset);
    if (versionRows !== undefined && versionRows.rows.length > 0) return { isSchemaCurrent: true, tables: new Map() };
  }
  const databases = [dataset, input.stagingDatasetName.toLowerCase()];
  // One query for the columns and the recorded formats; without `_dlt_version` (a dataset dlt
  // never loaded, or none at all) the columns alone.
  const both =
    input.known?.dltTablesExist === false ? undefined : await queryOrNothing(client, deployedTablesSql(input.catalog, dataset, databases, input.tables), dataset);
  const columns = both ?? (await queryOrNothing(client, storageColumnsSql(input.catalog, databases, input.tables), dataset));
  if (columns === undefined) return { isSchemaCurrent: false, tables: new Map() };
  const tables = parseStorageColumns(columns, input.tables);
  const formats = both === undefined ? new Map() : recordedFormats(both);
  for (const [key, table] of tables) {
    const [database, name] = key.split(".") as [string, string];
    const recorded = database === dataset ? formats.get(name) : undefined;
    if (recorded !== undefined) tables.set(key, { ...table, ...recorded });
  }
  return { isSchemaCurrent: false, tables };
}

async function queryOrNothing(client: SqlClient, sql: string, database: string): Promise<QueryResult | undefined> {
  try {
    return await client.execute(sql, { database });
  } catch (error) {
    if (error instanceof DltAthenaError && error.code === UNDEFINED_RELATION) return undefined;
    throw error;
  }
}

/**
 * The newest committed state of a pipeline: its row in `_dlt_pipeline_state` whose load has
 * status 0 in `_dlt_loads` (a state of a failed load is never restored).
 *
 * @example
 * newestStateSql("awsdatacatalog", "shop", "shop_pipeline");
 */
export function newestStateSql(catalog: string, dataset: string, pipelineName: string): string {
  const cols = ["version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id"];
  return (
    `SELECT ${cols.map((c) => `s.${q(c)}`).join(", ")} FROM ${qualifyDml(ref(catalog, dataset, DLT_STATE_TABLE))} AS s ` +
    `JOIN ${qualifyDml(ref(catalog, dataset, DLT_LOADS_TABLE))} AS l ON l.${q("load_id")} = s.${q("_dlt_load_id")} ` +
    `WHERE s.${q("pipeline_name")} = ${quoteLiteral(pipelineName)} AND l.${q("status")} = 0 ORDER BY l.${q("load_id")} DESC LIMIT 1`
  );
}

/**
 * The newest stored version of a schema, by name.
 *
 * @example
 * newestSchemaSql("awsdatacatalog", "shop", "shop");
 */
export function newestSchemaSql(catalog: string, dataset: string, schemaName: string): string {
  const cols = ["version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema"];
  return (
    `SELECT ${cols.map(q).join(", ")} FROM ${qualifyDml(ref(catalog, dataset, DLT_VERSION_TABLE))} ` +
    `WHERE ${q("schema_name")} = ${quoteLiteral(schemaName)} ORDER BY ${q("inserted_at")} DESC LIMIT 1`
  );
}

/** A restored state row, its state decoded. */
export interface RemoteState {
  readonly version: number;
  readonly engineVersion: number;
  readonly pipelineName: string;
  readonly state: unknown;
  readonly createdAt: unknown;
  readonly versionHash: string | null;
  readonly loadId: string;
}

/** A restored schema row, its schema decoded from JSON (plain or compressed). */
export interface RemoteSchema {
  readonly version: number;
  readonly engineVersion: number;
  readonly insertedAt: unknown;
  readonly schemaName: string;
  readonly versionHash: string;
  readonly schema: unknown;
}

/**
 * The first row of {@link newestStateSql}, or `undefined` when there is none.
 *
 * @example
 * parseStateRow(await client.execute(newestStateSql(c, d, p)))?.state;
 */
export function parseStateRow(result: QueryResult): RemoteState | undefined {
  const row = firstRow(result);
  if (row === undefined) return undefined;
  return {
    version: Number(row.version),
    engineVersion: Number(row.engine_version),
    pipelineName: String(row.pipeline_name),
    state: decodeState(String(row.state)),
    createdAt: row.created_at,
    versionHash: row.version_hash === null || row.version_hash === undefined ? null : String(row.version_hash),
    loadId: String(row._dlt_load_id),
  };
}

/**
 * The first row of {@link newestSchemaSql}, or `undefined` when there is none.
 *
 * @example
 * parseSchemaRow(await client.execute(newestSchemaSql(c, d, "shop")))?.schema;
 */
export function parseSchemaRow(result: QueryResult): RemoteSchema | undefined {
  const row = firstRow(result);
  if (row === undefined) return undefined;
  return {
    version: Number(row.version),
    engineVersion: Number(row.engine_version),
    insertedAt: row.inserted_at,
    schemaName: String(row.schema_name),
    versionHash: String(row.version_hash),
    schema: decodeState(String(row.schema)),
  };
}

export interface RestoreInput {
  readonly catalog: string;
  readonly datasetName: string;
  readonly pipelineName: string;
}

/**
 * Restores a pipeline from its destination (reference §8.4): the newest committed state, then
 * the newest version of every schema it lists. `undefined` when the dataset, the tables or a
 * committed state row are missing. 1 query plus one per schema (run concurrently).
 *
 * @example
 * const restored = await restorePipelineState(client, { catalog, datasetName, pipelineName: "shop" });
 * restored?.schemas.map((s) => s.name); // ["shop"]
 */
export async function restorePipelineState(client: SqlClient, input: RestoreInput): Promise<RestoredState | undefined> {
  const dataset = input.datasetName.toLowerCase();
  const stateRows = await queryOrNothing(client, newestStateSql(input.catalog, dataset, input.pipelineName), dataset);
  const remote = stateRows === undefined ? undefined : parseStateRow(stateRows);
  if (remote === undefined || remote.state === null || typeof remote.state !== "object") return undefined;
  const state = remote.state as RestoredState["state"];
  const names = Array.isArray(state.schema_names) ? state.schema_names : [];
  return { state, schemas: await restoreSchemas(client, input, names) };
}

/**
 * The sync read of a run, in one query (reference §8.4 folded into discovery): the pipeline's
 * newest committed state row (`kind` = 'state'), plus one row (`kind` = 'schema') for each of
 * `versionHashes` that `_dlt_version` holds. A missing dataset or table fails the whole query
 * with `undefined_relation`.
 *
 * @example
 * syncStateSql("awsdatacatalog", "shop", "shop_pipeline", ["x1Yb="]);
 */
export function syncStateSql(catalog: string, dataset: string, pipelineName: string, versionHashes: readonly string[]): string {
  const cols = ["version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id"];
  const state =
    `SELECT 'state' AS ${q("kind")}, ${cols.map((c) => `n.${q(c)}`).join(", ")} FROM (${newestStateSql(catalog, dataset, pipelineName)}) AS n`;
  if (versionHashes.length === 0) return state;
  const hashes = [...new Set(versionHashes)].map(quoteLiteral).join(", ");
  const nulls = cols.map((c) => (c === "version_hash" ? `v.${q(c)}` : `NULL AS ${q(c)}`)).join(", ");
  return (
    `${state} UNION ALL SELECT DISTINCT 'schema' AS ${q("kind")}, ${nulls} FROM ${qualifyDml(ref(catalog, dataset, DLT_VERSION_TABLE))} AS v ` +
    `WHERE v.${q("version_hash")} IN (${hashes})`
  );
}

/** What one sync read found: the newest state (if any) and which schema versions are recorded. */
export interface StateSnapshot {
  /** False when the dataset (or its dlt tables) does not exist. */
  readonly datasetExists: boolean;
  readonly state: RemoteState | undefined;
  readonly recordedHashes: ReadonlySet<string>;
}

/**
 * Runs {@link syncStateSql}. `undefined_relation` means the dataset or dlt's tables are gone:
 * no state and no recorded schema.
 *
 * @example
 * const snapshot = await readStateSnapshot(client, { catalog, datasetName, pipelineName: "shop", versionHashes: ["x1Yb="] });
 */
export async function readStateSnapshot(
  client: SqlClient,
  input: RestoreInput & { readonly versionHashes: readonly string[] },
): Promise<StateSnapshot> {
  const dataset = input.datasetName.toLowerCase();
  const result = await queryOrNothing(client, syncStateSql(input.catalog, dataset, input.pipelineName, input.versionHashes), dataset);
  if (result === undefined) return { datasetExists: false, state: undefined, recordedHashes: new Set() };
  const kindAt = result.columns.findIndex((c) => c.name.toLowerCase() === "kind");
  const hashAt = result.columns.findIndex((c) => c.name.toLowerCase() === "version_hash");
  const stateRows = result.rows.filter((row) => row[kindAt] === "state");
  const recordedHashes = new Set(result.rows.filter((row) => row[kindAt] === "schema").map((row) => String(row[hashAt])));
  return { datasetExists: true, state: parseStateRow({ ...result, rows: stateRows }), recordedHashes };
}

/**
 * The newest stored version of each named schema (1 query per name, concurrently); names with
 * none are left out.
 *
 * @example
 * await restoreSchemas(client, { catalog, datasetName: "shop" }, ["shop"]);
 */
export async function restoreSchemas(
  client: SqlClient,
  input: Pick<RestoreInput, "catalog" | "datasetName">,
  names: readonly string[],
): Promise<StoredSchema[]> {
  const dataset = input.datasetName.toLowerCase();
  const schemas = await Promise.all(
    names.map(async (name) => {
      const rows = await queryOrNothing(client, newestSchemaSql(input.catalog, dataset, name), dataset);
      return rows === undefined ? undefined : parseSchemaRow(rows);
    }),
  );
  return schemas.flatMap((s) => (s === undefined ? [] : [storedSchemaOf(s)]));
}

/** A restored schema in our stored form, whether it was written in dlt's format or in ours. */
function storedSchemaOf(remote: RemoteSchema): StoredSchema {
  return isDltStoredSchema(remote.schema)
    ? fromDltStoredSchema(remote.schema as Record<string, unknown>, SCHEMA_ENGINE_VERSION)
    : (remote.schema as StoredSchema);
}

function firstRow(result: QueryResult): Record<string, unknown> | undefined {
  const row = result.rows[0];
  if (row === undefined) return undefined;
  return Object.fromEntries(result.columns.map((c, i) => [c.name.toLowerCase(), row[i]]));
}

/** dlt's state encoding (base64 of zlib JSON) and its reader, shared with the pipeline. */
export { decodeCompressedJson as decodeState, encodeCompressedJson as encodeState } from "../../util/compressed-json.js";
