/**
 * Athena's metadata statements on the local engine, answered as Athena does (they are Hive
 * statements there, not Trino ones; see the Athena user guide pages "SHOW TABLES", "SHOW
 * DATABASES", "SHOW COLUMNS" and "DESCRIBE"):
 *
 * - `SHOW TABLES [IN db] ['regex']` → one column `tab_name`, sorted;
 * - `SHOW DATABASES | SCHEMAS [LIKE 'regex']` → `database_name`;
 * - `SHOW COLUMNS {FROM|IN} [db.]table [{FROM|IN} db]` → `field`, in column order;
 * - `DESCRIBE | DESC [db.]table` → `col_name`, `data_type` (Hive type names), `comment`.
 *
 * The regex is Hive's: `*` matches anything, `|` separates alternatives, case does not matter.
 * The engine's own schema, `main` and DuckDB's system schemas never show. Other SHOW forms and
 * DESCRIBE's options are refused with a clear error instead of answering in DuckDB's shapes.
 * Athena returns DESCRIBE's rows as one tab-separated field per row under three column names;
 * here the three columns hold their own values (what Athena drivers split them into).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { LoadError } from "../../errors.js";
import { UNDEFINED_RELATION } from "../sql-client.js";
import type { QueryResult } from "../sql-client.js";
import { ENGINE_SCHEMA } from "./hive.js";
import { tokenize } from "./trino-tokens.js";
import type { Token } from "./trino-tokens.js";

export type MetadataStatement =
  | { readonly kind: "showTables"; readonly database?: string; readonly pattern?: string }
  | { readonly kind: "showDatabases"; readonly pattern?: string }
  | { readonly kind: "showColumns"; readonly database?: string; readonly table: string }
  | { readonly kind: "describe"; readonly database?: string; readonly table: string };

const METADATA_START = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:show|describe|desc)\b/i;

const SUPPORTED = "SHOW TABLES, SHOW DATABASES, SHOW COLUMNS and DESCRIBE";

function unsupported(sql: string, what: string): LoadError {
  return new LoadError(
    "unsupported_local_statement",
    `${what} is not supported on the local engine (it answers ${SUPPORTED} as Athena does); run it on Athena, or query information_schema.\nSQL: ${sql}`,
    { meta: { sql } },
  );
}

/** A cursor over the tokens with the few reads the grammar needs. */
class Reader {
  #at = 0;
  constructor(
    readonly tokens: readonly Token[],
    readonly sql: string,
  ) {}

  isWord(...words: string[]): boolean {
    const token = this.tokens[this.#at];
    return token?.kind === "word" && words.includes(token.text);
  }

  /** Consumes a keyword if it is next. */
  accept(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.#at += 1;
    return true;
  }

  /** An identifier (bare, `backticked` or "quoted"), lower-cased as Hive does. */
  name(): string {
    const token = this.tokens[this.#at];
    if (token === undefined || (token.kind !== "word" && token.kind !== "name")) throw this.error();
    this.#at += 1;
    return token.value.toLowerCase();
  }

  /** `name` or `db.name`. */
  qualifiedName(): { database?: string; table: string } {
    const first = this.name();
    if (this.tokens[this.#at]?.kind !== "dot") return { table: first };
    this.#at += 1;
    return { database: first, table: this.name() };
  }

  optionalString(): string | undefined {
    const token = this.tokens[this.#at];
    if (token?.kind !== "string") return undefined;
    this.#at += 1;
    return token.value;
  }

  end(): void {
    if (this.#at < this.tokens.length) throw this.error();
  }

  error(): LoadError {
    return new LoadError("local_query_failed", `The local engine could not read this statement (expected ${SUPPORTED} in Athena's syntax).\nSQL: ${this.sql}`, {
      meta: { sql: this.sql },
    });
  }
}

/**
 * The metadata statement `sql` is, or `undefined` for any other statement. Throws
 * `unsupported_local_statement` for SHOW and DESCRIBE forms the local engine does not answer.
 *
 * @example
 * parseMetadataStatement("SHOW TABLES IN shop '*order*'"); // { kind: "showTables", database: "shop", pattern: "*order*" }
 * parseMetadataStatement("SELECT 1");                       // undefined
 */
export function parseMetadataStatement(sql: string): MetadataStatement | undefined {
  if (!METADATA_START.test(sql)) return undefined;
  const tokens = tokenize(sql);
  const head = tokens[0];
  if (head?.kind !== "word" || !["SHOW", "DESCRIBE", "DESC"].includes(head.text)) return undefined;
  const r = new Reader(tokens.slice(1), sql);
  if (head.text !== "SHOW") {
    if (r.isWord("EXTENDED", "FORMATTED", "INPUT", "OUTPUT", "SELECT", "TABLE", "WITH")) throw unsupported(sql, `${head.text} ${tokens[1]?.text}`);
    const name = r.qualifiedName();
    if (r.tokens.length > (name.database === undefined ? 1 : 3)) throw unsupported(sql, `${head.text} of a partition or column`);
    return { kind: "describe", ...name };
  }
  if (r.accept("TABLES")) {
    const database = r.accept("IN", "FROM") ? r.name() : undefined;
    r.accept("LIKE");
    const pattern = r.optionalString();
    r.end();
    return { kind: "showTables", ...(database !== undefined ? { database } : {}), ...(pattern !== undefined ? { pattern } : {}) };
  }
  if (r.accept("DATABASES", "SCHEMAS")) {
    r.accept("LIKE");
    const pattern = r.optionalString();
    r.end();
    return { kind: "showDatabases", ...(pattern !== undefined ? { pattern } : {}) };
  }
  if (r.accept("COLUMNS")) {
    if (!r.accept("FROM", "IN")) throw r.error();
    const name = r.qualifiedName();
    const database = r.accept("FROM", "IN") ? r.name() : name.database;
    r.end();
    return { kind: "showColumns", table: name.table, ...(database !== undefined ? { database } : {}) };
  }
  throw unsupported(sql, `SHOW ${tokens[1]?.value ?? ""}`.trim());
}

/**
 * Hive's SHOW pattern as an anchored, case-insensitive regular expression: `*` is any text (a
 * `.*` stays `.*`), `|` separates alternatives.
 *
 * @example
 * hivePatternRegex("*flights*|elb_logs"); // "(?i)^(?:.*flights.*|elb_logs)$"
 */
export function hivePatternRegex(pattern: string): string {
  const alternatives = pattern.split("|").map((part) => part.trim().replace(/(?<!\.)\*/g, ".*"));
  return `(?i)^(?:${alternatives.join("|")})$`;
}

/** DuckDB type names (information_schema spelling) → the Hive names Athena's DESCRIBE shows. */
export function hiveTypeName(duckdbType: string): string {
  const type = duckdbType.trim();
  if (type.endsWith("[]")) return `array<${hiveTypeName(type.slice(0, -2))}>`;
  const struct = /^STRUCT\((.*)\)$/i.exec(type);
  if (struct) return `struct<${splitTopLevel(struct[1]!).map(hiveField).join(",")}>`;
  const map = /^MAP\((.*)\)$/i.exec(type);
  if (map) return `map<${splitTopLevel(map[1]!).map(hiveTypeName).join(",")}>`;
  const simple: Record<string, string> = {
    VARCHAR: "string",
    INTEGER: "int",
    BLOB: "binary",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    TIMESTAMP_MS: "timestamp",
    TIMESTAMP_S: "timestamp",
    TIMESTAMP_NS: "timestamp",
    HUGEINT: "bigint",
  };
  return simple[type.toUpperCase()] ?? type.toLowerCase().replace(/\s+/g, "");
}

function hiveField(field: string): string {
  const m = /^\s*("(?:[^"]|"")*"|\S+)\s+(.*)$/.exec(field);
  if (!m) return field;
  const name = m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!;
  return `${name}:${hiveTypeName(m[2]!)}`;
}

/** Splits `a, b(c, d), e` at its top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === "(") depth += 1;
    else if (c === ")") depth -= 1;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** Schemas of the catalog that are the engine's or DuckDB's own, never a dataset. */
const HIDDEN_SCHEMAS = [ENGINE_SCHEMA, "main", "information_schema", "pg_catalog"];

async function rows(connection: DuckDBConnection, sql: string, values: string[]): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql, values)).getRowsJson() as unknown[][];
}

function notFound(sql: string, what: string): LoadError {
  return new LoadError(UNDEFINED_RELATION, `${what}\nSQL: ${sql}`, { meta: { sql } });
}

/**
 * Runs a metadata statement on the engine's connection and returns Athena's answer.
 * `database` is the query's default database (Athena's `default` when none is given).
 */
export async function answerMetadataStatement(
  connection: DuckDBConnection,
  statement: MetadataStatement,
  context: { readonly catalog: string; readonly database: string | undefined; readonly sql: string },
): Promise<Pick<QueryResult, "columns" | "rows">> {
  const { catalog, sql } = context;
  const hidden = HIDDEN_SCHEMAS.map((_s, i) => `$${i + 2}`).join(", ");
  const databases = (await rows(
    connection,
    `SELECT schema_name FROM system.information_schema.schemata WHERE catalog_name = $1 AND schema_name NOT IN (${hidden}) ORDER BY 1`,
    [catalog, ...HIDDEN_SCHEMAS],
  )).map((row) => String(row[0]));
  const column = (name: string) => ({ name, type: "string" });
  if (statement.kind === "showDatabases") {
    const regex = statement.pattern === undefined ? undefined : new RegExp(hivePatternRegex(statement.pattern).replace("(?i)", ""), "i");
    return { columns: [column("database_name")], rows: databases.filter((d) => regex?.test(d) ?? true).map((d) => [d]) };
  }
  const database = (statement.database ?? context.database ?? "default").toLowerCase();
  const existing = databases.find((d) => d.toLowerCase() === database);
  if (statement.kind === "showTables") {
    // Athena's `default` database always exists; here it may not, and then has no tables.
    if (existing === undefined && database !== "default") throw notFound(sql, `Database does not exist: ${database}`);
    const tables = existing === undefined ? [] : await rows(
      connection,
      `SELECT table_name FROM system.information_schema.tables WHERE table_catalog = $1 AND table_schema = $2 ` +
        `${statement.pattern === undefined ? "" : "AND regexp_full_match(table_name, $3) "}ORDER BY lower(table_name)`,
      [catalog, existing, ...(statement.pattern === undefined ? [] : [hivePatternRegex(statement.pattern)])],
    );
    return { columns: [column("tab_name")], rows: tables.map((row) => [String(row[0])]) };
  }
  const columns = existing === undefined ? [] : await rows(
    connection,
    `SELECT column_name, data_type FROM system.information_schema.columns ` +
      `WHERE table_catalog = $1 AND table_schema = $2 AND lower(table_name) = $3 ORDER BY ordinal_position`,
    [catalog, existing, statement.table],
  );
  if (columns.length === 0) throw notFound(sql, `Table not found: ${database}.${statement.table}`);
  if (statement.kind === "showColumns") return { columns: [column("field")], rows: columns.map((row) => [String(row[0])]) };
  return {
    columns: [column("col_name"), column("data_type"), column("comment")],
    rows: columns.map((row) => [String(row[0]), hiveTypeName(String(row[1])), ""]),
  };
}
