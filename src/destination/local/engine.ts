/**
 * The local engine: a DuckDB database file that answers Athena's SQL for `--local` runs and
 * `dlt-athena query --local`. The file is ATTACHed under the Athena catalog name, and each
 * Athena database is a DuckDB schema in it, so `"awsdatacatalog"."shop_data"."orders"` runs
 * unchanged. Before every statement the engine brings the Hive views the statement touches up to
 * date with the files in their folders (`hive.ts`): new files show at the next query, as on Athena.
 * A statement touches a Hive table when its text names the table, directly or through the text of
 * another view it names (a textual over-approximation: refreshing one view too many is harmless).
 * The registry is kept in memory and re-read, for the touched names only, after a statement that
 * writes it, so a load's cost per statement does not grow with the number of tables.
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
import type { HiveColumn } from "./hive.js";
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
import { quoteReservedIdentifiers } from "./trino-tokens.js";
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
  /** The Hive registry, by {@link registryKey}; loaded at open, kept in step with every write. */
  readonly #hive = new Map<string, HiveEntry>();
  /** Other views of the catalog (not Hive tables), by lower-case name: their SQL may name Hive tables. */
  #otherViews = new Map<string, string[]>();

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
    const readOnly = options.readOnly === true;
    if (!readOnly) await mkdir(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(":memory:");
    let connection: DuckDBConnection | undefined;
    try {
      connection = await instance.connect();
      // Local mode is offline: never try to download an extension (s3:// would trigger httpfs).
      await connection.run("SET autoinstall_known_extensions = false");
      await connection.run(`ATTACH ${qs(path)} AS ${qi(catalog)}${readOnly ? " (READ_ONLY)" : ""}`);
      await connection.run(`USE ${qi(catalog)}`);
      for (const statement of [...(readOnly ? [] : registryDdl(catalog)), ...informationSchemaViews(catalog), ...trinoFunctionMacros()]) {
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
    const engine = new LocalEngine(instance, connection, { ...options, databasePath: path, catalog });
    try {
      await engine.#loadRegistry();
      await engine.#loadOtherViews();
    } catch (error) {
      // A read-only file written before the registry existed has no Hive tables to show.
      if (readOnly) return engine;
      connection.closeSync();
      instance.closeSync();
      throw new LoadError("local_engine_open_failed", `Could not read the local database ${path}: ${messageOf(error)}`, {
        cause: error,
        meta: { path },
      });
    }
    return engine;
  }

  /**
   * Runs one statement in Athena/Trino dialect with `database` as the default schema.
   * Missing tables or databases raise `undefined_relation`; other failures `local_query_failed`.
   */
  async execute(sql: string, options: { readonly database?: string } = {}): Promise<QueryResult> {
    return this.#exclusive(async () => {
      if (this.#isClosed) throw new LoadError("local_engine_closed", "The local engine is closed.");
      const started = performance.now();
      const text = rewriteInformationSchema(QUERY_START.test(sql) ? quoteReservedIdentifiers(sql) : sql, this.catalog);
      try {
        await this.#use(options.database);
        const touched = this.#touchedText(text);
        await this.#refreshHiveViews(this.#entriesNamedIn(touched));
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
        if (isDrop) {
          await this.#pruneRegistry();
          await this.#loadRegistry();
        } else if (text.includes(ENGINE_SCHEMA) && !isColumnlessRegistration(text)) {
          await this.#loadRegistry(touched);
        }
        if (isDrop || text.includes(ENGINE_SCHEMA)) await this.#refreshHiveViews(this.#entriesNamedIn(touched));
        const created = createdViewName(text);
        if (created !== undefined) {
          // The new view's definition is the statement itself: no catalog query needed.
          this.#otherViews.set(created, [...(this.#otherViews.get(created) ?? []), text.toLowerCase()]);
        } else if (isDrop || /\bVIEW\b/i.test(text)) {
          await this.#loadOtherViews();
        }
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
        await this.#refreshHiveViews([...this.#hive.values()]);
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
    } finally {
      // A prepared statement holds its plan's native state (hash tables of joins included) until
      // destroyed; left to the garbage collector, hundreds of statements pile up hundreds of MB.
      prepared.destroySync();
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
   * The lower-cased text a statement reads through: its own text plus, transitively, the SQL of
   * every other view it names (a view over a Hive table touches that table).
   */
  #touchedText(sql: string): string {
    let text = sql.toLowerCase();
    if (this.#otherViews.size === 0) return text;
    const seen = new Set<string>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const [name, definitions] of this.#otherViews) {
        if (seen.has(name) || !namesWord(text, name)) continue;
        seen.add(name);
        text += `\n${definitions.join("\n")}`;
        grew = true;
      }
    }
    return text;
  }

  /** The registered Hive tables whose name occurs in `text` (lower-cased) as a whole word. */
  #entriesNamedIn(text: string): HiveEntry[] {
    const found: HiveEntry[] = [];
    for (const entry of this.#hive.values()) {
      if (namesWord(text, entry.needle)) found.push(entry);
    }
    return found;
  }

  /**
   * Reads the Hive registry into memory: all of it, or only the tables whose name occurs in
   * `text` (lower-cased; entries named there that the registry no longer has are forgotten).
   * Two plain scans: a join with list aggregation costs several times more per statement.
   */
  async #loadRegistry(text?: string): Promise<void> {
    // A literal, not a parameter: a prepared statement costs extra round trips to DuckDB's threads.
    const filter = text === undefined ? "" : ` WHERE strpos(${qs(text)}, lower("table_name")) > 0`;
    const tables = await this.#connection.runAndReadAll(
      `SELECT "database", "table_name", "folder", "view_sql" FROM ${registryTable(this.catalog, HIVE_TABLES)}${filter}`,
    );
    const columns = await this.#connection.runAndReadAll(
      `SELECT "database", "table_name", "column_name", "column_type" FROM ${registryTable(this.catalog, HIVE_COLUMNS)}${filter} ` +
        `ORDER BY "database", "table_name", "ordinal"`,
    );
    const columnsByKey = new Map<string, HiveColumn[]>();
    for (const [database, table, name, type] of columns.getRowsJson() as [string, string, string, string][]) {
      const key = registryKey(database, table);
      let list = columnsByKey.get(key);
      if (list === undefined) columnsByKey.set(key, (list = []));
      list.push({ name, type });
    }
    if (text === undefined) {
      this.#hive.clear();
    } else {
      for (const entry of this.#entriesNamedIn(text)) this.#hive.delete(registryKey(entry.database, entry.table));
    }
    for (const [database, table, folder, viewSql] of tables.getRowsJson() as [string, string, string, string][]) {
      const key = registryKey(database, table);
      const declared = columnsByKey.get(key);
      // A table registered without columns yet (its columns are the next statement) is not a view to keep.
      if (declared === undefined) continue;
      this.#hive.set(key, { database, table, folder, columns: declared, viewSql, needle: table.toLowerCase() });
    }
  }

  /** Forgets registered tables whose view is gone (dropped directly or with their database). */
  async #pruneRegistry(): Promise<void> {
    const tables = registryTable(this.catalog, HIVE_TABLES);
    await this.#connection.run(
      `DELETE FROM ${tables} AS t WHERE NOT EXISTS (SELECT 1 FROM duckdb_views() AS v WHERE v.database_name = ${qs(this.catalog)} ` +
        `AND v.schema_name = t."database" AND v.view_name = t."table_name")`,
    );
    await this.#connection.run(
      `DELETE FROM ${registryTable(this.catalog, HIVE_COLUMNS)} AS c WHERE NOT EXISTS (SELECT 1 FROM ${tables} AS t ` +
        `WHERE t."database" = c."database" AND t."table_name" = c."table_name")`,
    );
  }

  /** Reads the catalog's views that are not Hive tables, with their SQL. */
  async #loadOtherViews(): Promise<void> {
    const reader = await this.#connection.runAndReadAll(
      `SELECT lower(v.view_name), v.sql FROM duckdb_views() AS v WHERE v.database_name = ? AND NOT v.internal ` +
        `AND v.schema_name <> ? AND NOT EXISTS (SELECT 1 FROM ${registryTable(this.catalog, HIVE_TABLES)} AS t ` +
        `WHERE t."database" = v.schema_name AND t."table_name" = v.view_name)`,
      [this.catalog, ENGINE_SCHEMA],
    );
    const views = new Map<string, string[]>();
    for (const [name, sql] of reader.getRowsJson() as [string, string | null][]) {
      views.set(name, [...(views.get(name) ?? []), (sql ?? "").toLowerCase()]);
    }
    this.#otherViews = views;
  }

  /** Re-lists the folders of `entries` and re-creates the views whose file list or columns changed. */
  async #refreshHiveViews(entries: readonly HiveEntry[]): Promise<void> {
    if (this.#readOnly) return;
    const tables = registryTable(this.catalog, HIVE_TABLES);
    for (const entry of entries) {
      const { database, table, columns } = entry;
      const select = hiveViewSelect(columns, await listDataFiles(entry.folder));
      if (select === entry.viewSql) continue;
      const ref = { catalog: this.catalog, database, table };
      const record = (text: string) =>
        `UPDATE ${tables} SET "view_sql" = ${qs(text)} WHERE "database" = ${qs(database)} AND "table_name" = ${qs(table)}`;
      try {
        // One round trip and one commit (one WAL sync) for the view and its registry row.
        await this.#connection.run(`BEGIN TRANSACTION; ${hiveViewDdl(ref, select, "replace")}; ${record(select)}; COMMIT`);
        entry.viewSql = select;
        continue;
      } catch (error) {
        await this.#connection.run("ROLLBACK").catch(() => undefined);
        // A bad file (or a vanished database) must not block every other statement: the view
        // then fails only when queried, with the reason, and is retried before the next statement
        // that touches it (the stored text differs from any regular select).
        const stored = hiveErrorSelect(columns, `Hive table ${database}.${table} cannot be read: ${messageOf(error)}`);
        const isReplaced = await this.#connection.run(hiveViewDdl(ref, stored, "replace")).then(
          () => true,
          () => false,
        );
        if (!isReplaced) continue;
        await this.#connection.run(record(stored));
        entry.viewSql = stored;
      }
    }
  }
}

/** A registered Hive table as the engine keeps it in memory. */
interface HiveEntry {
  readonly database: string;
  readonly table: string;
  readonly folder: string;
  readonly columns: readonly HiveColumn[];
  /** The view's current SELECT, as stored in the registry. */
  viewSql: string;
  /** The lower-cased name searched for in statements. */
  readonly needle: string;
}

/**
 * Whether `needle` occurs in `text` with no identifier character right before or after it, so
 * `t_1` is not found in `t_10`.
 */
function namesWord(text: string, needle: string): boolean {
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(at + needle.length))) return true;
  }
  return false;
}

function isWordChar(code: number): boolean {
  // NaN (before the start or past the end) is not a word character.
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 36 || code >= 128 || (code >= 65 && code <= 90);
}

/**
 * An INSERT into the table registry alone: the table has no columns yet (they follow in the next
 * statement), so the in-memory registry, which keeps complete tables only, does not change.
 */
function isColumnlessRegistration(sql: string): boolean {
  return /^\s*INSERT\b/i.test(sql) && sql.includes(qi(HIVE_TABLES)) && !sql.includes(qi(HIVE_COLUMNS));
}

const CREATE_VIEW = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:(?:"(?:[^"]|"")*"|[\w$]+)\s*\.\s*){0,2}(?:"(?:[^"]|"")*"|[\w$]+))/i;

/** The lower-cased, unquoted name of the view a `CREATE VIEW` statement creates; undefined for other statements. */
function createdViewName(sql: string): string | undefined {
  const match = CREATE_VIEW.exec(sql);
  if (match === null) return undefined;
  const last = /(?:"((?:[^"]|"")*)"|([\w$]+))\s*$/.exec(match[1]!);
  const name = last?.[1]?.replace(/""/g, '"') ?? last?.[2];
  return name?.toLowerCase();
}

function registryKey(database: string, table: string): string {
  return `${database}\u0000${table}`;
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
