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

export interface DiscoveryInput {
  readonly catalog: string;
  readonly datasetName: string;
  readonly stagingDatasetName: string;
  readonly versionHash: string;
  /** Tables to look up (`discoveryTableNames` of the planner). */
  readonly tables: readonly string[];
}

/**
 * Reads what is deployed: 1 query when the schema version is recorded, else 2. A missing
 * database or table (`undefined_relation`) means "nothing deployed there".
 *
 * @example
 * const deployed = await discoverDeployed(client, { catalog, datasetName, stagingDatasetName, versionHash, tables });
 * const plan = planLoad({ ...input, deployed });
 */
export async function discoverDeployed(client: SqlClient, input: DiscoveryInput): Promise<DeployedState> {
  const dataset = input.datasetName.toLowerCase();
  const versionRows = await queryOrNothing(client, schemaVersionExistsSql(input.catalog, dataset, input.versionHash), dataset);
  if (versionRows !== undefined && versionRows.rows.length > 0) return { isSchemaCurrent: true, tables: new Map() };
  const databases = [dataset, input.stagingDatasetName.toLowerCase()];
  const columns = await queryOrNothing(client, storageColumnsSql(input.catalog, databases, input.tables), dataset);
  return { isSchemaCurrent: false, tables: columns === undefined ? new Map() : parseStorageColumns(columns, input.tables) };
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
  const schemas = await Promise.all(
    names.map(async (name) => {
      const rows = await queryOrNothing(client, newestSchemaSql(input.catalog, dataset, name), dataset);
      return rows === undefined ? undefined : parseSchemaRow(rows);
    }),
  );
  return { state, schemas: schemas.flatMap((s) => (s === undefined ? [] : [storedSchemaOf(s)])) };
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
