/**
 * What both engines offer the executor and `dlt-athena query`: run one SQL statement and get its
 * typed rows. Athena's client (`athena/client.ts`) and the local DuckDB engine
 * (`local/engine.ts`) implement it.
 */
export interface QueryColumn {
  readonly name: string;
  /** The engine's type name, lower-case (`varchar`, `bigint`, `decimal(38,9)`, `timestamp(3)`, …). */
  readonly type: string;
}

export interface QueryStatistics {
  readonly queryId?: string;
  readonly seconds: number;
  readonly bytesScanned?: number;
}

/**
 * Rows with values converted by column type: `number` for integers within 2^53 and doubles,
 * `bigint` beyond, decimals as exact strings, `Date` for timestamps (UTC), `"YYYY-MM-DD"` for
 * dates, `boolean`, `string`, `Uint8Array` for binary, `null` for NULL.
 */
export interface QueryResult {
  readonly columns: readonly QueryColumn[];
  readonly rows: readonly (readonly unknown[])[];
  readonly statistics: QueryStatistics;
}

export interface SqlClient {
  /** Runs one statement; `database` is the default database for unqualified names. */
  execute(sql: string, options?: { readonly database?: string }): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Raised by a client for a missing table or database, so callers can treat it as "not there". */
export const UNDEFINED_RELATION = "undefined_relation";
