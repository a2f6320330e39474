/**
 * The local engine: a DuckDB database file that answers Athena's SQL for `--local` runs and
 * `dlt-athena query --local`. The file is ATTACHed under the Athena catalog name, and each
 * Athena database is a DuckDB schema in it, so `"awsdatacatalog"."shop_data"."orders"` runs
 * unchanged. Before every statement the engine brings Hive views up to date with the files in
 * their folders (`hive.ts`): new files show at the next query, as on Athena.
 *
 * One connection; statements run one at a time in call order (Athena runs them concurrently, but
 * a DuckDB connection executes one statement at a time anyway, and ordering keeps views coherent).
 */
import { mkdir, readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection, DuckDBResultReader } from "@duckdb/node-api";
import { DltAthenaError, LoadError } from "../../errors.js";
import { quoteDuckDBIdentifier as qi, quoteDuckDBString as qs } from "../../writers/duckdb-types.js";
import { UNDEFINED_RELATION } from "../sql-client.js";
import type { QueryResult, SqlClient } from "../sql-client.js";
import type { ObjectStore } from "../../staging/object-store.js";
import {
  ENGINE_SCHEMA,
  HIVE_COLUMNS,
  HIVE_TABLES,
  hiveErrorSelect,
  hiveViewDdl,
  hiveViewSelect,
  registryDdl,
  registryTable,
} from "./hive.js";
import { informationSchemaViews, rewriteInformationSchema } from "./information-schema.js";
import { QUERY_START, trinoColumnNames } from "./trino-columns.js";
import { trinoFunctionMacros } from "./trino-functions.js";
import { answerMetadataStatement, parseMetadataStatement } from "./trino-statements.js";
import { athenaTypeOf } from "./types.js";
import { convertDuckDBValue } from "./values.js";

/** Athena's default data catalog, the name the local database is attached under. */
export const DEFAULT_CATALOG = "awsdatacatalog";

/** Where local mode keeps its state inside a project. */
export interface LocalModePaths {
  /** `<projectDir>/.dlt/local/athena.duckdb` */
  readonly databasePath: string;
  /** `<projectDir>/.dlt/local/bucket`: the folder that plays the staging bucket. */
  readonly bucketRoot: string;
}

/**
 * The default local-mode paths of a project.
 *
 * @example
 * localModePaths("/p"); // { databasePath: "/p/.dlt/local/athena.duckdb", bucketRoot: "/p/.dlt/local/bucket" }
 */
export function localModePaths(projectDir: string): LocalModePaths {
  const base = resolve(projectDir, ".dlt", "local");
  return { databasePath: join(base, "athena.duckdb"), bucketRoot: join(base, "bucket") };
}

export interface LocalEngineOptions {
  /** The database file (created with its folder if missing). */
  readonly databasePath: string;
  /** Catalog name the file is attached as; default `awsdatacatalog`. */
  readonly catalog?: string;
  /**
   * Attach the file read-only (`--dry-run` discovery): nothing is created or refreshed, so Hive
   * views show the files of the last refresh. The file must exist.
   */
  readonly readOnly?: boolean;
}

/**
 * Athena's SQL on a local DuckDB file.
 *
 * @example
 * const engine = await LocalEngine.open({ databasePath: localModePaths("/p").databasePath });
 * const { rows } = await engine.execute('SELECT count(*) FROM "orders"', { database: "shop_data" });
 * await engine.close();
 */
export class LocalEngine implements SqlClient {
  readonly catalog: string;
  readonly databasePath: string;
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  /** The tail of the statement queue: each call waits for the previous one. */
  #queue: Promise<unknown> = Promise.resolve();
  #database: string | undefined;
  #isClosed = false;
  readonly #readOnly: boolean;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection, options: LocalEngineOptions) {
    this.#instance = instance;
    this.#connection = connection;
    this.catalog = options.catalog ?? DEFAULT_CATALOG;
    this.databasePath = resolve(options.databasePath);
    this.#readOnly = options.readOnly === true;
  }

  /** Opens (creating if needed) the database file and prepares the catalog. */
  static async open(options: LocalEngineOptions): Promise<LocalEngine> {
    const path = resolve(options.databasePath);
    const catalog = options.catalog ?? DEFAULT_CATALOG;
    if (options.readOnly !== true) await mkdir(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(":memory:");
    let connection: DuckDBConnection | undefined;
    try {
      connection = await instance.connect();
      // Local mode is offline: never try to download an extension (s3:// would trigger httpfs).
      await connection.run("SET autoinstall_known_extensions = false");
      await connection.run(`ATTACH ${qs(path)} AS ${qi(catalog)}${options.readOnly === true ? " (READ_ONLY)" : ""}`);
      await connection.run(`USE ${qi(catalog)}`);
      for (const statement of [...(options.readOnly === true ? [] : registryDdl(catalog)), ...informationSchemaViews(catalog), ...trinoFunctionMacros()]) {
        await connection.run(statement);
      }
    } catch (error) {
      connection?.closeSync();
      instance.closeSync();
      throw new LoadError(
        "local_engine_open_failed",
        `Could not open the local database ${path}: ${messageOf(error)} (is another dlt-athena process using it?)`,
        { cause: error, meta: { path } },
      );
    }
    return new LocalEngine(instance, connection, { ...options, databasePath: path, catalog });
  }

  /**
   * Runs one statement in Athena/Trino dialect with `database` as the default schema.
   * Missing tables or databases raise `undefined_relation`; other failures `local_query_failed`.
   */
  async execute(sql: string, options: { readonly database?: string } = {}): Promise<QueryResult> {
    return this.#exclusive(async () => {
      if (this.#isClosed) throw new LoadError("local_engine_closed", "The local engine is closed.");
      const started = performance.now();
      const text = rewriteInformationSchema(sql, this.catalog);
      try {
        await this.#use(options.database);
        await this.#refreshHiveViews();
        // SHOW and DESCRIBE answer as Athena does (`trino-statements.ts`).
        const metadata = parseMetadataStatement(sql);
        if (metadata !== undefined) {
          const context = { catalog: this.catalog, database: options.database, sql };
          const answer = await answerMetadataStatement(this.#connection, metadata, context);
          return { ...answer, statistics: { seconds: (performance.now() - started) / 1000 } };
        }
        const reader = await this.#run(text);
        // The registry changed (Hive DDL) or a relation went away: bring the views in line now,
        // so a compiled step is complete when it returns.
        const isDrop = /^\s*DROP\b/i.test(text);
        if (isDrop || text.includes(ENGINE_SCHEMA)) await this.#refreshHiveViews(isDrop);
        const names = await this.#resultNames(text, reader.columnNames());
        return {
          columns: names.map((name, i) => ({ name, type: athenaTypeOf(reader.columnTypes()[i]!) })),
          rows: reader.getRows().map((row) => row.map(convertDuckDBValue)),
          statistics: { seconds: (performance.now() - started) / 1000 },
        };
      } catch (error) {
        this.#database = undefined;
        throw toEngineError(error, sql);
      }
    });
  }

  /** Brings the Hive views up to date and closes the database. Safe to call twice. */
  async close(): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#isClosed) return;
      try {
        await this.#refreshHiveViews();
      } catch {
        // Views are refreshed on the next open anyway; closing must not fail on them.
      } finally {
        this.#isClosed = true;
        this.#connection.closeSync();
        this.#instance.closeSync();
      }
    });
  }

  /** Athena's names for a query's result columns: unnamed expressions are `_col<i>` (`trino-columns.ts`). */
  async #resultNames(text: string, names: readonly string[]): Promise<readonly string[]> {
    if (!QUERY_START.test(text)) return names;
    const reader = await this.#connection.runAndReadAll("SELECT json_serialize_sql(CAST($1 AS VARCHAR))", [text]);
    const serialized = reader.getRowsJson()[0]?.[0];
    return typeof serialized === "string" ? trinoColumnNames(JSON.parse(serialized), names) : names;
  }

  /**
   * Runs `action` between statements: a statement's Hive views list their files just before it
   * runs, so files deleted while it runs would vanish under it. The local bucket's store deletes
   * through this ({@link storeBesideEngine}).
   */
  betweenStatements<T>(action: () => Promise<T>): Promise<T> {
    return this.#exclusive(action);
  }

  /** Queues `action` after every earlier call. */
  #exclusive<T>(action: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(action);
    // A failed call must not block the ones queued after it.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Runs exactly one statement; DROP TABLE of a Hive table (a view) drops the view. */
  async #run(text: string): Promise<DuckDBResultReader> {
    const extracted = await this.#connection.extractStatements(text);
    if (extracted.count !== 1) {
      throw new LoadError("local_query_failed", `Expected exactly one SQL statement, got ${extracted.count}.\nSQL: ${text}`, {
        meta: { sql: text },
      });
    }
    const prepared = await extracted.prepare(0);
    try {
      return await prepared.runAndReadAll();
    } catch (error) {
      if (/^\s*DROP\s+TABLE\b/i.test(text) && /is of type View, trying to drop type Table/.test(messageOf(error))) {
        return this.#run(text.replace(/^(\s*)DROP\s+TABLE\b/i, "$1DROP VIEW"));
      }
      throw error;
    }
  }

  /** Sets the default schema; a missing one falls back to `main`, so qualified names still work. */
  async #use(database: string | undefined): Promise<void> {
    const target = database ?? "main";
    if (target === this.#database) return;
    try {
      await this.#connection.run(`USE ${qi(this.catalog)}.${qi(target)}`);
      this.#database = target;
    } catch {
      await this.#connection.run(`USE ${qi(this.catalog)}.${qi("main")}`);
      this.#database = undefined;
    }
  }

  /**
   * Re-lists the folder of every registered Hive table and re-creates the views whose file list
   * or columns changed. With `prune`, first forgets registered tables whose view is gone (dropped
   * directly or with their database).
   */
  async #refreshHiveViews(prune = false): Promise<void> {
    if (this.#readOnly) return;
    const tables = registryTable(this.catalog, HIVE_TABLES);
    if (prune) {
      await this.#connection.run(
        `DELETE FROM ${tables} AS t WHERE NOT EXISTS (SELECT 1 FROM duckdb_views() AS v WHERE v.database_name = ${qs(this.catalog)} ` +
          `AND v.schema_name = t."database" AND v.view_name = t."table_name")`,
      );
      await this.#connection.run(
        `DELETE FROM ${registryTable(this.catalog, HIVE_COLUMNS)} AS c WHERE NOT EXISTS (SELECT 1 FROM ${tables} AS t ` +
          `WHERE t."database" = c."database" AND t."table_name" = c."table_name")`,
      );
    }
    const reader = await this.#connection.runAndReadAll(
      `SELECT t."database", t."table_name", t."folder", t."view_sql", ` +
        `list(c."column_name" ORDER BY c."ordinal"), list(c."column_type" ORDER BY c."ordinal") ` +
        `FROM ${tables} AS t JOIN ${registryTable(this.catalog, HIVE_COLUMNS)} AS c USING ("database", "table_name") ` +
        `GROUP BY ALL`,
    );
    for (const row of reader.getRowsJson()) {
      const [database, table, folder, viewSql, names, types] = row as [string, string, string, string, string[], string[]];
      const columns = names.map((name, i) => ({ name, type: types[i] ?? "VARCHAR" }));
      const select = hiveViewSelect(columns, await listDataFiles(folder));
      if (select === viewSql) continue;
      const ref = { catalog: this.catalog, database, table };
      let stored = select;
      try {
        await this.#connection.run(hiveViewDdl(ref, select, "replace"));
      } catch (error) {
        // A bad file (or a vanished database) must not block every other statement: the view
        // then fails only when queried, with the reason, and is retried before the next statement
        // (the stored text differs from any regular select).
        stored = hiveErrorSelect(columns, `Hive table ${database}.${table} cannot be read: ${messageOf(error)}`);
        const isReplaced = await this.#connection.run(hiveViewDdl(ref, stored, "replace")).then(
          () => true,
          () => false,
        );
        if (!isReplaced) continue;
      }
      await this.#connection.run(
        `UPDATE ${tables} SET "view_sql" = ${qs(stored)} WHERE "database" = ${qs(database)} AND "table_name" = ${qs(table)}`,
      );
    }
  }
}

/**
 * Every data file under a folder, recursively, sorted. Like Athena (Hive), names starting with
 * `_` or `.` are skipped, which also hides the file store's in-flight temp files.
 */
async function listDataFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "ENOENT" || code === "ENOTDIR") return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.push(path);
    }
  };
  await walk(folder);
  return found.sort();
}

/**
 * The local bucket's store as the engine's neighbour: deletes wait for the statement in flight
 * and the next statement sees the folder without the deleted files (uploads only add files, which
 * the next statement's views pick up anyway).
 *
 * @example const store = storeBesideEngine(createFileStore(paths.bucketRoot), engine);
 */
export function storeBesideEngine(store: ObjectStore, engine: LocalEngine): ObjectStore {
  return {
    url: store.url,
    put: (key, body) => store.put(key, body),
    get: (key) => store.get(key),
    exists: (key) => store.exists(key),
    list: (prefix) => store.list(prefix),
    delete: (keys) => engine.betweenStatements(() => store.delete(keys)),
  };
}

const UNDEFINED = /^Catalog Error: (Table|Schema|View) with name .* does not exist/;

function toEngineError(error: unknown, sql: string): DltAthenaError {
  if (error instanceof DltAthenaError) return error;
  const message = messageOf(error);
  if (UNDEFINED.test(message)) {
    return new LoadError(UNDEFINED_RELATION, `${message}\nSQL: ${sql}`, { cause: error, meta: { sql } });
  }
  return new LoadError("local_query_failed", `The local engine failed to run a query: ${message}\nSQL: ${sql}`, {
    cause: error,
    meta: { sql },
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
