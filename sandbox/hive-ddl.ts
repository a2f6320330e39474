/**
 * Athena runs DDL on a Hive-derived parser and everything else on Trino. The sandbox does the
 * same split: {@link routeStatement} tells a statement Athena would parse as Hive DDL from
 * Trino SQL (which passes through exactly as sent), and translates the Hive DDL shapes this
 * project emits into Trino statements:
 *
 * - `CREATE DATABASE|SCHEMA [IF NOT EXISTS] db`, `DROP DATABASE|SCHEMA [IF EXISTS] db [CASCADE]`
 * - `CREATE EXTERNAL TABLE [IF NOT EXISTS] t (cols) [PARTITIONED BY (cols)] STORED AS PARQUET LOCATION '…'`
 * - `CREATE TABLE [IF NOT EXISTS] t (cols) [PARTITIONED BY (transforms)] LOCATION '…' TBLPROPERTIES ('table_type'='ICEBERG', …)`
 * - `ALTER TABLE t ADD COLUMNS (cols)`, `DROP TABLE [IF EXISTS] t`
 * - `SHOW TABLES [IN db] ['pattern']`, `SHOW DATABASES|SCHEMAS [LIKE 'pattern']`,
 *   `SHOW COLUMNS {FROM|IN} t [{FROM|IN} db]`, `DESCRIBE t`
 *
 * Anything else Athena would send to its Hive parser fails with a message saying the sandbox
 * does not translate it, so an unsupported shape is never silently mis-run.
 */
import { HIVE_CATALOG, ICEBERG_CATALOG } from "./trino.js";

/** A Hive DDL statement that does not parse, or that the sandbox does not translate. */
export class HiveDdlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HiveDdlError";
  }
}

export interface TableName {
  readonly catalog: string;
  readonly database: string;
  readonly table: string;
}

/** What to do with one statement. */
export type Routed =
  | { readonly kind: "trino"; readonly sql: string }
  | { readonly kind: "createDatabase"; readonly catalog: string; readonly database: string; readonly ifNotExists: boolean; readonly location?: string }
  | { readonly kind: "dropDatabase"; readonly catalog: string; readonly database: string; readonly ifExists: boolean; readonly cascade: boolean }
  | { readonly kind: "createTable"; readonly table: TableName; readonly format: "hive" | "iceberg"; readonly sql: string }
  | { readonly kind: "addColumns"; readonly table: TableName; readonly columns: readonly HiveColumn[] }
  | { readonly kind: "dropTable"; readonly table: TableName; readonly ifExists: boolean }
  | { readonly kind: "showTables"; readonly catalog: string; readonly database: string; readonly pattern?: string }
  | { readonly kind: "showDatabases"; readonly catalog: string; readonly pattern?: string }
  | { readonly kind: "showColumns"; readonly table: TableName }
  | { readonly kind: "describe"; readonly table: TableName };

export interface HiveColumn {
  readonly name: string;
  readonly type: HiveType;
}

export type HiveType =
  | { readonly kind: "primitive"; readonly name: string; readonly args: readonly number[] }
  | { readonly kind: "array"; readonly element: HiveType }
  | { readonly kind: "map"; readonly key: HiveType; readonly value: HiveType }
  | { readonly kind: "struct"; readonly fields: readonly HiveColumn[] };

/** True when Athena would hand this statement to its Hive DDL parser. */
export function isHiveDdl(sql: string): boolean {
  const tokens = tokenize(sql);
  const w = (i: number) => (tokens[i]?.kind === "word" ? tokens[i]!.text.toUpperCase() : "");
  const first = w(0);
  if (first === "CREATE") {
    const second = w(1);
    if (second === "DATABASE" || second === "SCHEMA" || second === "EXTERNAL") return true;
    if (second !== "TABLE") return false;
    // CREATE TABLE … AS / WITH (…) AS is a CTAS, which Athena runs on Trino.
    let i = 2;
    if (w(i) === "IF") i += 3;
    i = skipName(tokens, i);
    return tokens[i]?.text === "(";
  }
  if (first === "DROP") return ["TABLE", "DATABASE", "SCHEMA"].includes(w(1));
  if (first === "ALTER") return w(1) === "TABLE" || w(1) === "DATABASE";
  if (first === "SHOW" || first === "DESCRIBE" || first === "MSCK") return true;
  return false;
}

/**
 * Routes one statement: Trino SQL as sent, or the parsed Hive DDL with the Trino text to run.
 * `database` is the query's default database (QueryExecutionContext.Database).
 *
 * @throws HiveDdlError for Hive DDL that does not parse or that the sandbox does not translate.
 */
export function routeStatement(sql: string, context: { readonly catalog?: string; readonly database?: string } = {}): Routed {
  if (!isHiveDdl(sql)) return { kind: "trino", sql };
  const p = new Parser(tokenize(sql), context);
  const routed = p.statement();
  p.end();
  return routed;
}

// ---- tokens ---------------------------------------------------------------------------------

interface Token {
  readonly kind: "word" | "quoted" | "string" | "number" | "punct";
  readonly text: string;
  readonly at: number;
  /** The quote character of a quoted identifier. */
  readonly quote?: string;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith("--", i)) {
      while (i < sql.length && sql[i] !== "\n") i++;
    } else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "`" || c === '"') {
      let text = "";
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new HiveDdlError(`line 1:${i + 1}: unterminated quoted identifier`);
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j++];
      }
      tokens.push({ kind: "quoted", text, at: i, quote: c });
      i = j + 1;
    } else if (c === "'") {
      let text = "";
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new HiveDdlError(`line 1:${i + 1}: unterminated string literal`);
        if (sql[j] === "\\") {
          text += sql[j + 1] ?? "";
          j += 2;
          continue;
        }
        if (sql[j] === "'") break;
        text += sql[j++];
      }
      tokens.push({ kind: "string", text, at: i });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(sql.slice(i))!;
      tokens.push({ kind: "number", text: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))!;
      tokens.push({ kind: "word", text: m[0], at: i });
      i += m[0].length;
    } else {
      tokens.push({ kind: "punct", text: c, at: i });
      i++;
    }
  }
  while (tokens.at(-1)?.text === ";") tokens.pop();
  return tokens;
}

function skipName(tokens: readonly Token[], i: number): number {
  let j = i;
  if (tokens[j]?.kind === "word" || tokens[j]?.kind === "quoted") j++;
  while (tokens[j]?.text === "." && (tokens[j + 1]?.kind === "word" || tokens[j + 1]?.kind === "quoted")) j += 2;
  return j;
}

// ---- parser ---------------------------------------------------------------------------------

class Parser {
  #i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly context: { readonly catalog?: string; readonly database?: string },
  ) {}

  statement(): Routed {
    const first = this.#word();
    if (first === "CREATE") {
      if (this.#take("DATABASE") || this.#take("SCHEMA")) return this.#createDatabase();
      if (this.#take("EXTERNAL")) {
        this.#expect("TABLE");
        return this.#createExternalTable();
      }
      this.#expect("TABLE");
      return this.#createTable();
    }
    if (first === "DROP") {
      if (this.#take("TABLE")) {
        const ifExists = this.#ifExists();
        return { kind: "dropTable", table: this.#tableName(), ifExists };
      }
      if (this.#take("DATABASE") || this.#take("SCHEMA")) {
        const ifExists = this.#ifExists();
        const [catalog, database] = this.#databaseName();
        const cascade = this.#take("CASCADE");
        if (!cascade) this.#take("RESTRICT");
        return { kind: "dropDatabase", catalog, database, ifExists, cascade };
      }
    }
    if (first === "ALTER" && this.#take("TABLE")) {
      const table = this.#tableName();
      if (this.#take("ADD") && this.#take("COLUMNS")) return { kind: "addColumns", table, columns: this.#columnList() };
      throw this.#unsupported("ALTER TABLE other than ADD COLUMNS");
    }
    if (first === "SHOW") {
      if (this.#take("TABLES")) {
        let [catalog, database] = [this.#catalog(), ""];
        if (this.#take("IN") || this.#take("FROM")) [catalog, database] = this.#databaseName();
        else database = this.#defaultDatabase();
        const pattern = this.#peek()?.kind === "string" ? this.#string() : undefined;
        return { kind: "showTables", catalog, database, ...(pattern !== undefined ? { pattern } : {}) };
      }
      if (this.#take("DATABASES") || this.#take("SCHEMAS")) {
        this.#take("LIKE");
        const pattern = this.#peek()?.kind === "string" ? this.#string() : undefined;
        return { kind: "showDatabases", catalog: this.#catalog(), ...(pattern !== undefined ? { pattern } : {}) };
      }
      if (this.#take("COLUMNS")) {
        if (!this.#take("IN")) this.#expect("FROM");
        const parts = this.#nameParts();
        if (this.#take("IN") || this.#take("FROM")) parts.unshift(this.#identifier());
        return { kind: "showColumns", table: this.#tableFrom(parts) };
      }
    }
    if (first === "DESCRIBE") {
      if (this.#take("EXTENDED") || this.#take("FORMATTED")) throw this.#unsupported("DESCRIBE EXTENDED/FORMATTED");
      return { kind: "describe", table: this.#tableName() };
    }
    throw this.#unsupported(`${first} ${this.#peek()?.text ?? ""}`.trim());
  }

  end(): void {
    const t = this.#peek();
    if (t) throw this.#error(`extraneous input '${t.text}'`);
  }

  #createDatabase(): Routed {
    const ifNotExists = this.#ifNotExists();
    const [catalog, database] = this.#databaseName();
    let location: string | undefined;
    for (;;) {
      if (this.#take("COMMENT")) this.#string();
      else if (this.#take("LOCATION")) location = this.#string();
      else if (this.#take("WITH")) {
        this.#expect("DBPROPERTIES");
        this.#properties();
      } else break;
    }
    return { kind: "createDatabase", catalog, database, ifNotExists, ...(location !== undefined ? { location } : {}) };
  }

  #createExternalTable(): Routed {
    const ifNotExists = this.#ifNotExists();
    const table = this.#tableName();
    const columns = this.#columnList();
    let partitions: HiveColumn[] = [];
    let format: string | undefined;
    let location: string | undefined;
    for (;;) {
      if (this.#take("COMMENT")) this.#string();
      else if (this.#take("PARTITIONED")) {
        this.#expect("BY");
        partitions = this.#columnList();
      } else if (this.#take("STORED")) {
        this.#expect("AS");
        format = this.#word();
      } else if (this.#take("LOCATION")) location = this.#string();
      else if (this.#take("TBLPROPERTIES")) this.#properties();
      else break;
    }
    if (format === undefined) throw this.#unsupported("CREATE EXTERNAL TABLE without STORED AS");
    if (!["PARQUET", "ORC", "AVRO", "JSON", "TEXTFILE"].includes(format)) throw this.#error(`unknown file format ${format}`);
    if (location === undefined) throw this.#unsupported("CREATE EXTERNAL TABLE without LOCATION");
    const all = [...columns, ...partitions];
    const props = [`external_location = ${literal(location)}`, `format = ${literal(format)}`];
    if (partitions.length > 0) props.push(`partitioned_by = ARRAY[${partitions.map((c) => literal(c.name)).join(", ")}]`);
    const sql =
      `CREATE TABLE ${ifNotExists ? "IF NOT EXISTS " : ""}${qualified(HIVE_CATALOG, table)} ` +
      `(${all.map((c) => `${ident(c.name)} ${trinoType(c.type, "hive")}`).join(", ")}) WITH (${props.join(", ")})`;
    return { kind: "createTable", table, format: "hive", sql };
  }

  #createTable(): Routed {
    const ifNotExists = this.#ifNotExists();
    const table = this.#tableName();
    const columns = this.#columnList();
    let partitions: string[] = [];
    let location: string | undefined;
    let properties: Map<string, string> = new Map();
    for (;;) {
      if (this.#take("COMMENT")) this.#string();
      else if (this.#take("PARTITIONED")) {
        this.#expect("BY");
        partitions = this.#transforms();
      } else if (this.#take("LOCATION")) location = this.#string();
      else if (this.#take("TBLPROPERTIES")) properties = this.#properties();
      else break;
    }
    const tableType = properties.get("table_type")?.toUpperCase();
    if (tableType !== "ICEBERG") {
      throw new HiveDdlError("FAILED: SemanticException Only external table creation is supported in Athena (use CREATE EXTERNAL TABLE, or TBLPROPERTIES ('table_type'='ICEBERG')).");
    }
    if (location === undefined) throw new HiveDdlError("FAILED: SemanticException LOCATION is required for an Iceberg table.");
    const format = (properties.get("format") ?? "parquet").toUpperCase();
    const props = [`location = ${literal(location)}`, `format = ${literal(format)}`];
    if (partitions.length > 0) props.push(`partitioning = ARRAY[${partitions.map(literal).join(", ")}]`);
    const sql =
      `CREATE TABLE ${ifNotExists ? "IF NOT EXISTS " : ""}${qualified(ICEBERG_CATALOG, table)} ` +
      `(${columns.map((c) => `${ident(c.name)} ${trinoType(c.type, "iceberg")}`).join(", ")}) WITH (${props.join(", ")})`;
    return { kind: "createTable", table, format: "iceberg", sql };
  }

  /** Athena's Iceberg partition transforms → Trino's partitioning strings. */
  #transforms(): string[] {
    this.#expectPunct("(");
    const out: string[] = [];
    for (;;) {
      const name = this.#identifier();
      if (this.#takePunct("(")) {
        const fn = name.toLowerCase();
        if (fn === "bucket" || fn === "truncate") {
          const n = this.#number();
          this.#expectPunct(",");
          const column = this.#identifier();
          out.push(`${fn}(${quotePartitionColumn(column)}, ${n})`);
        } else if (["year", "month", "day", "hour"].includes(fn)) {
          out.push(`${fn}(${quotePartitionColumn(this.#identifier())})`);
        } else {
          throw this.#error(`unknown partition transform ${name}`);
        }
        this.#expectPunct(")");
      } else {
        out.push(quotePartitionColumn(name));
      }
      if (this.#takePunct(")")) return out;
      this.#expectPunct(",");
    }
  }

  #columnList(): HiveColumn[] {
    this.#expectPunct("(");
    const columns: HiveColumn[] = [];
    for (;;) {
      const name = this.#identifier();
      const type = this.#type();
      if (this.#take("COMMENT")) this.#string();
      columns.push({ name, type });
      if (this.#takePunct(")")) return columns;
      this.#expectPunct(",");
    }
  }

  #type(): HiveType {
    const name = this.#word().toLowerCase();
    if (name === "array") {
      this.#expectPunct("<");
      const element = this.#type();
      this.#expectPunct(">");
      return { kind: "array", element };
    }
    if (name === "map") {
      this.#expectPunct("<");
      const key = this.#type();
      this.#expectPunct(",");
      const value = this.#type();
      this.#expectPunct(">");
      return { kind: "map", key, value };
    }
    if (name === "struct") {
      this.#expectPunct("<");
      const fields: HiveColumn[] = [];
      for (;;) {
        const field = this.#identifier();
        this.#expectPunct(":");
        fields.push({ name: field, type: this.#type() });
        if (this.#takePunct(">")) return { kind: "struct", fields };
        this.#expectPunct(",");
      }
    }
    const known = ["string", "varchar", "char", "int", "integer", "tinyint", "smallint", "bigint", "boolean", "double", "float", "decimal", "timestamp", "date", "binary"];
    if (!known.includes(name)) throw this.#error(`unknown type ${name}`);
    const args: number[] = [];
    if (this.#takePunct("(")) {
      for (;;) {
        args.push(Number(this.#number()));
        if (this.#takePunct(")")) break;
        this.#expectPunct(",");
      }
    }
    return { kind: "primitive", name, args };
  }

  #properties(): Map<string, string> {
    this.#expectPunct("(");
    const map = new Map<string, string>();
    if (this.#takePunct(")")) return map;
    for (;;) {
      const key = this.#string();
      this.#expectPunct("=");
      map.set(key.toLowerCase(), this.#string());
      if (this.#takePunct(")")) return map;
      this.#expectPunct(",");
    }
  }

  #tableName(): TableName {
    return this.#tableFrom(this.#nameParts());
  }

  #tableFrom(parts: readonly string[]): TableName {
    if (parts.length > 3) throw this.#error("a table name has at most three parts");
    const table = parts.at(-1)!;
    const database = parts.length >= 2 ? parts.at(-2)! : this.#defaultDatabase();
    const catalog = parts.length === 3 ? parts[0]! : this.#catalog();
    return { catalog: this.#checkCatalog(catalog), database: database.toLowerCase(), table: table.toLowerCase() };
  }

  #databaseName(): [string, string] {
    const parts = this.#nameParts();
    if (parts.length > 2) throw this.#error("a database name has at most two parts");
    const catalog = parts.length === 2 ? parts[0]! : this.#catalog();
    return [this.#checkCatalog(catalog), parts.at(-1)!.toLowerCase()];
  }

  #checkCatalog(catalog: string): string {
    if (catalog.toLowerCase() !== HIVE_CATALOG) {
      throw new HiveDdlError(`FAILED: SemanticException Catalog '${catalog}' does not exist (the sandbox serves '${HIVE_CATALOG}' only).`);
    }
    return HIVE_CATALOG;
  }

  #catalog(): string {
    return this.context.catalog ?? HIVE_CATALOG;
  }

  #defaultDatabase(): string {
    const database = this.context.database;
    if (database === undefined) throw new HiveDdlError("FAILED: SemanticException No database given and no QueryExecutionContext.Database set.");
    return database.toLowerCase();
  }

  #nameParts(): string[] {
    const parts = [this.#identifier()];
    while (this.#takePunct(".")) parts.push(this.#identifier());
    return parts;
  }

  #ifNotExists(): boolean {
    if (!this.#take("IF")) return false;
    this.#expect("NOT");
    this.#expect("EXISTS");
    return true;
  }

  #ifExists(): boolean {
    if (!this.#take("IF")) return false;
    this.#expect("EXISTS");
    return true;
  }

  #identifier(): string {
    const t = this.#peek();
    // Hive DDL quotes with backticks; a double-quoted name is a string literal there.
    if (t && (t.kind === "word" || (t.kind === "quoted" && t.quote === "`"))) {
      this.#i++;
      return t.text;
    }
    throw this.#error(`expected an identifier, found '${t?.text ?? "<EOF>"}'`);
  }

  #word(): string {
    const t = this.#peek();
    if (t?.kind !== "word") throw this.#error(`expected a keyword, found '${t?.text ?? "<EOF>"}'`);
    this.#i++;
    return t.text.toUpperCase();
  }

  #string(): string {
    const t = this.#peek();
    if (t?.kind !== "string") throw this.#error(`expected a string literal, found '${t?.text ?? "<EOF>"}'`);
    this.#i++;
    return t.text;
  }

  #number(): string {
    const t = this.#peek();
    if (t?.kind !== "number") throw this.#error(`expected a number, found '${t?.text ?? "<EOF>"}'`);
    this.#i++;
    return t.text;
  }

  #take(word: string): boolean {
    const t = this.#peek();
    if (t?.kind === "word" && t.text.toUpperCase() === word) {
      this.#i++;
      return true;
    }
    return false;
  }

  #expect(word: string): void {
    if (!this.#take(word)) throw this.#error(`expected ${word}, found '${this.#peek()?.text ?? "<EOF>"}'`);
  }

  #takePunct(p: string): boolean {
    if (this.#peek()?.kind === "punct" && this.#peek()?.text === p) {
      this.#i++;
      return true;
    }
    return false;
  }

  #expectPunct(p: string): void {
    if (!this.#takePunct(p)) throw this.#error(`expected '${p}', found '${this.#peek()?.text ?? "<EOF>"}'`);
  }

  #peek(): Token | undefined {
    return this.tokens[this.#i];
  }

  #error(what: string): HiveDdlError {
    const at = this.#peek()?.at;
    return new HiveDdlError(`FAILED: ParseException line 1:${at ?? 0} ${what}`);
  }

  #unsupported(what: string): HiveDdlError {
    return new HiveDdlError(`FAILED: the sandbox does not translate this Hive DDL statement (${what}); extend sandbox/hive-ddl.ts if the product needs it.`);
  }
}

/** The Trino type for a Hive column type; timestamps take the table format's precision. */
export function trinoType(type: HiveType, format: "hive" | "iceberg"): string {
  switch (type.kind) {
    case "array":
      return `array(${trinoType(type.element, format)})`;
    case "map":
      return `map(${trinoType(type.key, format)}, ${trinoType(type.value, format)})`;
    case "struct":
      return `row(${type.fields.map((f) => `${ident(f.name)} ${trinoType(f.type, format)}`).join(", ")})`;
    case "primitive": {
      const args = type.args.length > 0 ? `(${type.args.join(",")})` : "";
      switch (type.name) {
        case "string":
          return "varchar";
        case "int":
        case "integer":
          return "integer";
        case "float":
          return "real";
        case "binary":
          return "varbinary";
        case "decimal":
          return `decimal${args || "(10,0)"}`;
        case "timestamp":
          // Athena: Hive timestamps are milliseconds, Iceberg timestamps microseconds.
          return format === "iceberg" ? "timestamp(6)" : "timestamp(3)";
        default:
          return `${type.name}${args}`;
      }
    }
  }
}

function ident(name: string): string {
  return `"${name.toLowerCase().replaceAll('"', '""')}"`;
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function quotePartitionColumn(name: string): string {
  const lower = name.toLowerCase();
  return /^[a-z_][a-z0-9_]*$/.test(lower) ? lower : `"${lower.replaceAll('"', '""')}"`;
}

/** `"catalog"."database"."table"` */
export function qualified(catalog: string, table: TableName): string {
  return [catalog, table.database, table.table].map(ident).join(".");
}
