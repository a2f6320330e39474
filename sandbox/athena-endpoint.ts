/**
 * An Athena-protocol endpoint (JSON 1.1 over HTTP, `x-amz-target: AmazonAthena.<Op>`) in front
 * of a real Trino. Statements run asynchronously as on Athena: StartQueryExecution answers at
 * once with an id, GetQueryExecution reports QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED
 * as Trino moves, GetQueryResults pages the rows (header row first for result sets, every value
 * as text, `{}` for NULL, Athena's ColumnInfo), StopQueryExecution cancels the Trino query.
 *
 * Trino SQL runs exactly as sent; Hive DDL is parsed and translated by `hive-ddl.ts`. Failures
 * carry Athena's shapes: `TABLE_NOT_FOUND: line 1:15: Table '…' does not exist` for Trino
 * statements, `FAILED: SemanticException [Error 10001]: Table not found …` for Hive DDL, with an
 * AthenaError (category, type, retryable). Every statement is appended to `statementLog`
 * (JSON lines) when given, so tests in other processes can see what ran.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HiveDdlError, qualified, routeStatement, trinoType, type Routed, type TableName } from "./hive-ddl.js";
import { HIVE_CATALOG, ICEBERG_CATALOG, TrinoQueryError, type TrinoClient, type TrinoColumn, type TrinoResult } from "./trino.js";

export interface AthenaEndpointOptions {
  readonly trino: TrinoClient;
  /** Access key id the SDK must sign with (any secret is accepted: signatures are not checked). */
  readonly accessKeyId: string;
  /** The work groups that exist, with their output location. */
  readonly workGroups: Readonly<Record<string, { readonly outputLocation?: string }>>;
  /** A JSON-lines file every finished statement is appended to. */
  readonly statementLog?: string;
}

export interface LoggedStatement {
  readonly queryId: string;
  readonly sql: string;
  /** `trino` (run as sent) or the Hive DDL shape it was parsed as. */
  readonly route: string;
  /** What ran on Trino. */
  readonly trinoSql: readonly string[];
  readonly state: string;
  readonly reason?: string;
}

export interface AthenaEndpoint {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly statements: readonly LoggedStatement[];
  stop(): Promise<void>;
}

type State = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

interface Cell { readonly text: string | null }
interface ResultColumn { readonly name: string; readonly type: string; readonly precision: number; readonly scale: number }
interface Result { readonly columns: readonly ResultColumn[]; readonly rows: readonly (readonly Cell[])[]; readonly header: boolean; readonly updateCount: number; readonly bytes: number }
interface Failure { readonly reason: string; readonly category: number; readonly type: number; readonly retryable: boolean }

interface Query {
  readonly id: string;
  readonly sql: string;
  readonly body: Record<string, unknown>;
  readonly workGroup: string;
  readonly outputLocation?: string;
  readonly submittedAt: number;
  completedAt?: number;
  state: State;
  statementType: "DDL" | "DML" | "UTILITY";
  result?: Result;
  failure?: Failure;
  readonly abort: AbortController;
  trinoSql: string[];
  route: string;
}

const JSON_TYPE = "application/x-amz-json-1.1";
const MAX_RESULTS = 1000;
const ENGINE = { SelectedEngineVersion: "AUTO", EffectiveEngineVersion: "Athena engine version 3" };

/** Starts the endpoint on 127.0.0.1 (ephemeral port). */
export async function startAthenaEndpoint(options: AthenaEndpointOptions): Promise<AthenaEndpoint> {
  const queries = new Map<string, Query>();
  const byToken = new Map<string, string>();
  const statements: LoggedStatement[] = [];

  const log = (query: Query) => {
    const entry: LoggedStatement = {
      queryId: query.id, sql: query.sql, route: query.route, trinoSql: query.trinoSql, state: query.state,
      ...(query.failure ? { reason: query.failure.reason } : {}),
    };
    statements.push(entry);
    if (options.statementLog) appendFileSync(options.statementLog, `${JSON.stringify(entry)}\n`);
  };

  const run = async (query: Query): Promise<void> => {
    const context = (query.body["QueryExecutionContext"] ?? {}) as { Database?: string; Catalog?: string };
    const catalog = (context.Catalog ?? HIVE_CATALOG).toLowerCase();
    try {
      if (catalog !== HIVE_CATALOG) {
        throw new HiveDdlError(`CATALOG_NOT_FOUND: Catalog '${context.Catalog}' does not exist (the sandbox serves '${HIVE_CATALOG}').`);
      }
      const routed = routeStatement(query.sql, { catalog, ...(context.Database !== undefined ? { database: context.Database } : {}) });
      query.route = routed.kind;
      query.statementType = statementTypeOf(routed, query.sql);
      const trino = new Runner(options.trino, query, { catalog, ...(context.Database !== undefined ? { schema: context.Database.toLowerCase() } : {}) });
      query.result = await execute(routed, trino);
      if (query.state === "CANCELLED") return;
      query.state = "SUCCEEDED";
    } catch (error) {
      if (query.state === "CANCELLED") return;
      query.state = "FAILED";
      query.failure = failureOf(error, query.route);
    } finally {
      query.completedAt ??= Date.now() / 1000;
      log(query);
    }
  };

  const handlers: Record<string, (body: Record<string, unknown>) => Promise<unknown> | unknown> = {
    StartQueryExecution(body) {
      const sql = String(body["QueryString"] ?? "");
      if (sql.trim() === "") throw apiError("InvalidRequestException", "QueryString must not be empty");
      if (Buffer.byteLength(sql, "utf8") > 262_144) {
        throw apiError("InvalidRequestException", "Query string length must be less than or equal to 262144 bytes");
      }
      const token = typeof body["ClientRequestToken"] === "string" ? body["ClientRequestToken"] : undefined;
      const known = token === undefined ? undefined : byToken.get(token);
      if (known !== undefined) return { QueryExecutionId: known };
      const workGroup = typeof body["WorkGroup"] === "string" ? body["WorkGroup"] : "primary";
      const group = options.workGroups[workGroup];
      if (group === undefined) throw apiError("InvalidRequestException", `WorkGroup ${workGroup} is not found.`);
      const requested = (body["ResultConfiguration"] as { OutputLocation?: string } | undefined)?.OutputLocation;
      const output = requested ?? group.outputLocation;
      if (output === undefined) {
        throw apiError("InvalidRequestException", "No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.");
      }
      const id = randomUUID();
      const query: Query = {
        id, sql, body, workGroup, outputLocation: output, submittedAt: Date.now() / 1000, state: "QUEUED",
        statementType: "DML", abort: new AbortController(), trinoSql: [], route: "trino",
      };
      queries.set(id, query);
      if (token !== undefined) byToken.set(token, id);
      void run(query);
      return { QueryExecutionId: id };
    },
    GetQueryExecution(body) {
      return { QueryExecution: describe(find(body)) };
    },
    BatchGetQueryExecution(body) {
      const ids = (body["QueryExecutionIds"] as string[] | undefined) ?? [];
      const found = ids.map((id) => queries.get(id));
      return {
        QueryExecutions: found.filter((q): q is Query => q !== undefined).map(describe),
        UnprocessedQueryExecutionIds: ids.filter((_, i) => found[i] === undefined).map((id) => ({
          QueryExecutionId: id, ErrorCode: "INVALID_INPUT", ErrorMessage: "QueryExecution not found",
        })),
      };
    },
    ListQueryExecutions(body) {
      const workGroup = typeof body["WorkGroup"] === "string" ? body["WorkGroup"] : "primary";
      return { QueryExecutionIds: [...queries.values()].filter((q) => q.workGroup === workGroup).map((q) => q.id).reverse().slice(0, 50) };
    },
    GetQueryResults(body) {
      const query = find(body);
      if (query.state !== "SUCCEEDED") {
        throw apiError("InvalidRequestException", query.state === "FAILED" || query.state === "CANCELLED"
          ? `Query has not yet finished. Current state: ${query.state}` : `Query has not yet finished. Current state: ${query.state}`);
      }
      const maxResults = typeof body["MaxResults"] === "number" ? body["MaxResults"] : MAX_RESULTS;
      if (maxResults < 1 || maxResults > MAX_RESULTS) throw apiError("InvalidRequestException", "MaxResults must be between 1 and 1000");
      return resultPage(query, maxResults, body["NextToken"]);
    },
    StopQueryExecution(body) {
      const query = find(body);
      if (query.state === "QUEUED" || query.state === "RUNNING") {
        query.state = "CANCELLED";
        query.completedAt = Date.now() / 1000;
        query.abort.abort();
      }
      return {};
    },
    GetWorkGroup(body) {
      const name = String(body["WorkGroup"] ?? "");
      const group = options.workGroups[name];
      if (group === undefined) throw apiError("InvalidRequestException", `WorkGroup ${name} is not found.`);
      return {
        WorkGroup: {
          Name: name, State: "ENABLED", Description: "sandbox work group", CreationTime: 0,
          Configuration: {
            ...(group.outputLocation !== undefined ? { ResultConfiguration: { OutputLocation: group.outputLocation } } : {}),
            EnforceWorkGroupConfiguration: false, PublishCloudWatchMetricsEnabled: false, RequesterPaysEnabled: false,
            EngineVersion: ENGINE,
          },
        },
      };
    },
    ListWorkGroups() {
      return { WorkGroups: Object.keys(options.workGroups).map((Name) => ({ Name, State: "ENABLED", EngineVersion: ENGINE, CreationTime: 0 })) };
    },
    async ListDatabases(body) {
      checkCatalog(body["CatalogName"]);
      const result = await options.trino.query(`SHOW SCHEMAS FROM ${ident(HIVE_CATALOG)}`);
      return { DatabaseList: result.rows.map((r) => String(r[0])).filter((n) => n !== "information_schema").map((Name) => ({ Name })) };
    },
    async GetDatabase(body) {
      checkCatalog(body["CatalogName"]);
      const name = String(body["DatabaseName"] ?? "").toLowerCase();
      const result = await options.trino.query(`SHOW SCHEMAS FROM ${ident(HIVE_CATALOG)} LIKE ${literal(name)}`);
      if (result.rows.length === 0) throw apiError("MetadataException", `Database ${name} not found.`);
      return { Database: { Name: name } };
    },
  };

  function find(body: Record<string, unknown>): Query {
    const id = String(body["QueryExecutionId"] ?? "");
    const query = queries.get(id);
    if (!query) throw apiError("InvalidRequestException", `QueryExecution ${id} was not found`);
    return query;
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (error instanceof ApiError) return sendJson(res, error.status, { __type: error.type, Message: error.message });
      sendJson(res, 500, { __type: "InternalServerException", Message: error instanceof Error ? error.message : String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.startsWith("AmazonAthena.") ? target.slice("AmazonAthena.".length) : target;
    const key = /Credential=([^/,\s]+)\//.exec(String(req.headers["authorization"] ?? ""))?.[1];
    if (key !== options.accessKeyId) {
      throw apiError("UnrecognizedClientException", "The security token included in the request is invalid.", 400);
    }
    const handler = handlers[operation];
    if (!handler) throw apiError("UnknownOperationException", `The sandbox does not serve ${operation}`);
    const body = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    sendJson(res, 200, await handler(body));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    statements,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        for (const query of queries.values()) query.abort.abort();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Runs Trino statements for one Athena query, moving its state as Trino reports progress. */
class Runner {
  constructor(
    private readonly trino: TrinoClient,
    private readonly query: Query,
    private readonly context: { readonly catalog: string; readonly schema?: string },
  ) {}

  async run(sql: string): Promise<TrinoResult> {
    this.query.trinoSql.push(sql);
    return this.trino.query(sql, this.context, {
      signal: this.query.abort.signal,
      onState: (state) => {
        if (state !== "QUEUED" && this.query.state === "QUEUED") this.query.state = "RUNNING";
      },
    });
  }

  /** Like `run`, but a failure is returned instead of thrown. */
  async probe(sql: string): Promise<TrinoResult | undefined> {
    try {
      return await this.trino.query(sql, this.context, { signal: this.query.abort.signal });
    } catch {
      return undefined;
    }
  }
}

async function execute(routed: Routed, trino: Runner): Promise<Result> {
  switch (routed.kind) {
    case "trino":
      return fromTrino(await trino.run(routed.sql));
    case "createDatabase": {
      const location = routed.location !== undefined ? ` WITH (location = ${literal(routed.location)})` : "";
      await trino.run(`CREATE SCHEMA ${routed.ifNotExists ? "IF NOT EXISTS " : ""}${ident(HIVE_CATALOG)}.${ident(routed.database)}${location}`);
      return empty();
    }
    case "dropDatabase": {
      const schema = `${ident(HIVE_CATALOG)}.${ident(routed.database)}`;
      if (routed.cascade) {
        const tables = await trino.probe(`SHOW TABLES FROM ${schema}`);
        for (const row of tables?.rows ?? []) {
          await trino.run(`DROP TABLE IF EXISTS ${qualified(HIVE_CATALOG, { catalog: HIVE_CATALOG, database: routed.database, table: String(row[0]) })}`);
        }
      }
      await trino.run(`DROP SCHEMA ${routed.ifExists ? "IF EXISTS " : ""}${schema}`);
      return empty();
    }
    case "createTable":
      await trino.run(routed.sql);
      return empty();
    case "addColumns": {
      const format = (await isIceberg(trino, routed.table)) ? "iceberg" : "hive";
      for (const column of routed.columns) {
        await trino.run(`ALTER TABLE ${qualified(HIVE_CATALOG, routed.table)} ADD COLUMN ${ident(column.name)} ${trinoType(column.type, format)}`);
      }
      return empty();
    }
    case "dropTable":
      await trino.run(`DROP TABLE ${routed.ifExists ? "IF EXISTS " : ""}${qualified(HIVE_CATALOG, routed.table)}`);
      return empty();
    case "showTables": {
      const result = await trino.run(`SHOW TABLES FROM ${ident(HIVE_CATALOG)}.${ident(routed.database)}`);
      return textColumns(["tab_name"], result.rows.map((r) => String(r[0])).filter(hivePattern(routed.pattern)).sort().map((n) => [n]));
    }
    case "showDatabases": {
      const result = await trino.run(`SHOW SCHEMAS FROM ${ident(HIVE_CATALOG)}`);
      const names = result.rows.map((r) => String(r[0])).filter((n) => n !== "information_schema");
      return textColumns(["database_name"], names.filter(hivePattern(routed.pattern)).sort().map((n) => [n]));
    }
    case "showColumns": {
      const columns = await describeColumns(trino, routed.table);
      return textColumns(["field"], columns.map((c) => [c.name]));
    }
    case "describe": {
      // Athena answers DESCRIBE with Hive's text: one tab-separated field per row.
      const columns = await describeColumns(trino, routed.table);
      const rows = columns.map((c) => [`${c.name.padEnd(20)}\t${c.type.padEnd(20)}\t${c.comment}`]);
      return { ...textColumns(["col_name", "data_type", "comment"], []), rows: rows.map((r) => r.map((text) => ({ text }))) };
    }
  }
}

async function isIceberg(trino: Runner, table: TableName): Promise<boolean> {
  const probe = await trino.probe(`SELECT snapshot_id FROM ${ident(ICEBERG_CATALOG)}.${ident(table.database)}.${ident(`${table.table}$snapshots`)} LIMIT 0`);
  return probe !== undefined;
}

function statementTypeOf(routed: Routed, sql: string): "DDL" | "DML" | "UTILITY" {
  if (routed.kind === "showTables" || routed.kind === "showDatabases" || routed.kind === "showColumns" || routed.kind === "describe") return "UTILITY";
  if (routed.kind !== "trino") return "DDL";
  if (/^\s*(show|describe|explain)\b/i.test(sql)) return "UTILITY";
  return "DML";
}

function empty(): Result {
  return { columns: [], rows: [], header: false, updateCount: 0, bytes: 0 };
}

function textColumns(names: readonly string[], rows: readonly (readonly string[])[]): Result {
  return {
    columns: names.map((name) => ({ name, type: "string", precision: 0, scale: 0 })),
    rows: rows.map((row) => row.map((text) => ({ text }))),
    header: false, updateCount: 0, bytes: 0,
  };
}

/** A table's columns with Hive's type names; a missing table fails as Trino's TABLE_NOT_FOUND. */
async function describeColumns(trino: Runner, table: TableName): Promise<{ name: string; type: string; comment: string }[]> {
  const result = await trino.run(`DESCRIBE ${qualified(HIVE_CATALOG, table)}`);
  return result.rows.map((r) => ({ name: String(r[0]), type: hiveTypeName(String(r[1])), comment: r[3] === null || r[3] === undefined ? "" : String(r[3]) }));
}

/** Trino's type name → Hive's (`varchar` → `string`, `row(a bigint)` → `struct<a:bigint>`, …). */
export function hiveTypeName(type: string): string {
  const t = type.trim();
  const open = t.indexOf("(");
  const base = (open < 0 ? t : t.slice(0, open)).trim();
  const args = open < 0 ? [] : splitTop(t.slice(open + 1, t.lastIndexOf(")")));
  switch (base) {
    case "varchar":
      return "string";
    case "integer":
      return "int";
    case "real":
      return "float";
    case "varbinary":
      return "binary";
    case "timestamp":
      return "timestamp";
    case "array":
      return `array<${hiveTypeName(args[0] ?? "varchar")}>`;
    case "map":
      return `map<${hiveTypeName(args[0] ?? "varchar")},${hiveTypeName(args[1] ?? "varchar")}>`;
    case "row":
      return `struct<${rowFields(t).map((f) => `${f.name}:${hiveTypeName(f.type)}`).join(",")}>`;
    default:
      return t.replaceAll(" ", "");
  }
}

/** Hive's SHOW pattern: `*` any characters, `|` alternatives, case-insensitive. */
function hivePattern(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  const alternatives = pattern.split("|").map((p) => p.trim().replace(/[.+?^${}()[\]\\]/g, "\\$&").replaceAll("*", ".*"));
  const re = new RegExp(`^(?:${alternatives.join("|")})$`, "i");
  return (name) => re.test(name);
}

function fromTrino(result: TrinoResult): Result {
  // INSERT, DELETE, MERGE, CTAS, …: Athena answers with an update count and no rows.
  if (result.updateType !== undefined) {
    return { columns: [], rows: [], header: false, updateCount: result.updateCount ?? 0, bytes: result.processedBytes };
  }
  return {
    columns: result.columns.map(columnOf),
    rows: result.rows.map((row) => row.map((cell, i) => ({ text: athenaText(cell, result.columns[i]) }))),
    header: true,
    updateCount: 0,
    bytes: result.processedBytes,
  };
}

/** Athena's ColumnInfo type names: the Trino base type, precision and scale beside it. */
function columnOf(column: TrinoColumn): ResultColumn {
  const base = column.type.replace(/\(.*$/s, "").trim();
  const args = (column.typeSignature?.arguments ?? []).map((a) => Number(a.value)).filter((n) => Number.isFinite(n));
  if (base === "decimal") return { name: column.name, type: "decimal", precision: args[0] ?? 0, scale: args[1] ?? 0 };
  if (base === "varchar") return { name: column.name, type: "varchar", precision: args[0] ?? 2147483647, scale: 0 };
  if (base === "timestamp" || base === "time") return { name: column.name, type: column.type.startsWith(`${base} with time zone`) || / with time zone$/.test(column.type) ? `${base} with time zone` : base, precision: args[0] ?? 3, scale: 0 };
  return { name: column.name, type: base, precision: 0, scale: 0 };
}

/** Trino's JSON cell → Athena's text (varbinary as spaced hex, arrays `[a, b]`, maps and rows `{k=v}`). */
function athenaText(value: unknown, column: TrinoColumn | undefined): string | null {
  if (value === null || value === undefined) return null;
  return render(value, column?.type ?? "varchar");
}

function render(value: unknown, type: string): string {
  if (value === null) return "null";
  const base = type.replace(/\(.*$/s, "").trim();
  if (base === "varbinary" && typeof value === "string") {
    return [...Buffer.from(value, "base64")].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  }
  if (Array.isArray(value)) {
    if (base === "row") {
      const fields = rowFields(type);
      return `{${value.map((v, i) => `${fields[i]?.name ?? `field${i}`}=${render(v, fields[i]?.type ?? "varchar")}`).join(", ")}}`;
    }
    const element = base === "array" ? inner(type) : "varchar";
    return `[${value.map((v) => render(v, element)).join(", ")}]`;
  }
  if (typeof value === "object") {
    const valueType = base === "map" ? splitTop(inner(type))[1] ?? "varchar" : "varchar";
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${render(v, valueType)}`).join(", ")}}`;
  }
  return String(value);
}

function inner(type: string): string {
  const open = type.indexOf("(");
  return open < 0 ? "" : type.slice(open + 1, type.lastIndexOf(")"));
}

function splitTop(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of list) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += c;
  }
  if (current.trim() !== "") parts.push(current.trim());
  return parts;
}

function rowFields(type: string): { name: string; type: string }[] {
  return splitTop(inner(type)).map((field) => {
    const m = /^("(?:[^"]|"")*"|\S+)\s+(.*)$/s.exec(field);
    if (!m) return { name: field, type: "varchar" };
    const name = m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replaceAll('""', '"') : m[1]!;
    return { name, type: m[2]! };
  });
}

/** Athena's failure for an error: the reason text, category (1 system, 2 user), type and retryability. */
function failureOf(error: unknown, route: string): Failure {
  if (error instanceof HiveDdlError) return { reason: error.message, category: 2, type: 1003, retryable: false };
  if (error instanceof TrinoQueryError) {
    if (route !== "trino") return { reason: hiveReason(error), category: 2, type: 1003, retryable: false };
    if (/ICEBERG_COMMIT_ERROR|COMMIT|CONFLICT/i.test(error.errorName)) {
      return { reason: `ICEBERG_COMMIT_ERROR: ${error.message}`, category: 1, type: 233, retryable: true };
    }
    const user = error.errorType === "USER_ERROR";
    return { reason: `${error.errorName}: ${error.message}`, category: user ? 2 : 1, type: user ? 1000 : 200, retryable: false };
  }
  return { reason: `GENERIC_INTERNAL_ERROR: ${error instanceof Error ? error.message : String(error)}`, category: 1, type: 200, retryable: false };
}

/** Athena's Hive DDL messages for the Trino errors behind a translated statement. */
function hiveReason(error: TrinoQueryError): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? "";
  const parts = quoted.split(".");
  switch (error.errorName) {
    case "SCHEMA_NOT_FOUND":
      return `FAILED: SemanticException [Error 10072]: Database does not exist: ${parts.at(-1)}`;
    case "TABLE_NOT_FOUND":
      return `FAILED: SemanticException [Error 10001]: Table not found ${parts.slice(-2).join(".")}`;
    case "TABLE_ALREADY_EXISTS":
      return `FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. AlreadyExistsException(message:Table ${parts.at(-1)} already exists)`;
    case "SCHEMA_ALREADY_EXISTS":
      return `FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. AlreadyExistsException(message:Database ${parts.at(-1)} already exists)`;
    case "SCHEMA_NOT_EMPTY":
      return `FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. InvalidOperationException(message:Database ${parts.at(-1)} is not empty. One or more tables exist.)`;
    default:
      return `FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. ${error.message}`;
  }
}

function describe(query: Query): Record<string, unknown> {
  const isFinal = query.state !== "QUEUED" && query.state !== "RUNNING";
  const status: Record<string, unknown> = { State: query.state, SubmissionDateTime: query.submittedAt };
  if (isFinal) status["CompletionDateTime"] = query.completedAt ?? Date.now() / 1000;
  if (query.state === "CANCELLED") status["StateChangeReason"] = "Query was cancelled by the user";
  if (query.failure) {
    status["StateChangeReason"] = query.failure.reason;
    status["AthenaError"] = {
      ErrorCategory: query.failure.category, ErrorType: query.failure.type, Retryable: query.failure.retryable, ErrorMessage: query.failure.reason,
    };
  }
  const millis = Math.round(((query.completedAt ?? Date.now() / 1000) - query.submittedAt) * 1000);
  return {
    QueryExecutionId: query.id,
    Query: query.sql,
    StatementType: query.statementType,
    ResultConfiguration: { OutputLocation: `${withSlash(query.outputLocation ?? "")}${query.id}${query.statementType === "DDL" ? ".txt" : ".csv"}` },
    ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
    QueryExecutionContext: query.body["QueryExecutionContext"] ?? {},
    Status: status,
    Statistics: {
      EngineExecutionTimeInMillis: millis,
      TotalExecutionTimeInMillis: millis,
      QueryQueueTimeInMillis: 0,
      ...(query.state === "SUCCEEDED" ? { DataScannedInBytes: query.result?.bytes ?? 0 } : {}),
    },
    WorkGroup: query.workGroup,
    EngineVersion: ENGINE,
  };
}

function resultPage(query: Query, maxResults: number, token: unknown): Record<string, unknown> {
  const result = query.result ?? empty();
  const header = result.header && result.columns.length > 0;
  const all: (readonly Cell[])[] = header ? [result.columns.map((c) => ({ text: c.name })), ...result.rows] : [...result.rows];
  let offset = 0;
  if (typeof token === "string") {
    const [id, at] = token.split(":");
    if (id !== query.id || !/^\d+$/.test(at ?? "")) throw apiError("InvalidRequestException", "Invalid NextToken");
    offset = Number(at);
  }
  const page = all.slice(offset, offset + maxResults);
  const next = offset + maxResults < all.length ? `${query.id}:${offset + maxResults}` : undefined;
  return {
    UpdateCount: result.updateCount,
    ResultSet: {
      Rows: page.map((row) => ({ Data: row.map((cell) => (cell.text === null ? {} : { VarCharValue: cell.text })) })),
      ResultSetMetadata: {
        ColumnInfo: result.columns.map((c) => ({
          CatalogName: "hive", SchemaName: "", TableName: "", Name: c.name, Label: c.name, Type: c.type,
          Precision: c.precision, Scale: c.scale, Nullable: "UNKNOWN", CaseSensitive: c.type === "varchar" || c.type === "string",
        })),
      },
    },
    ...(next !== undefined ? { NextToken: next } : {}),
  };
}

class ApiError extends Error {
  constructor(readonly type: string, message: string, readonly status: number) {
    super(message);
  }
}

function apiError(type: string, message: string, status = 400): ApiError {
  return new ApiError(type, message, status);
}

function checkCatalog(name: unknown): void {
  if (String(name ?? "").toLowerCase() !== HIVE_CATALOG) throw apiError("MetadataException", `Catalog ${String(name)} not found.`);
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
