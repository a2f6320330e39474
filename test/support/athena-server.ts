/**
 * A fake Athena endpoint for integration tests: a `node:http` server on 127.0.0.1 (ephemeral
 * port) speaking Athena's JSON 1.1 protocol as @aws-sdk/client-athena sends it (POST /,
 * `x-amz-target: AmazonAthena.<Op>`, epoch-second timestamps, `{ "__type", "Message" }` errors;
 * dependencies-probe §5). It serves StartQueryExecution, GetQueryExecution, GetQueryResults and
 * StopQueryExecution, records every request, and can be scripted per query by SQL matcher:
 * queue or run for N polls, fail with a reason, reject the start with HTTP errors, or return
 * rows, paged like Athena (header row first on the first page, null cells as `{}`).
 *
 * Signatures are not checked: the SDK signs with whatever credentials the test passes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A result column as Athena's `ColumnInfo` describes it. */
export interface FakeColumn {
  readonly name: string;
  /** Athena's type name: `varchar`, `bigint`, `decimal`, `timestamp`, `varbinary`, … */
  readonly type: string;
  readonly precision?: number;
  readonly scale?: number;
}

/** Rows in wire form: Athena sends every value as a string; `null` becomes an empty cell `{}`. */
export interface FakeResult {
  readonly columns: readonly FakeColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
  /** Send the header row first on the first page, as Athena does for SELECT. Default true. */
  readonly header?: boolean;
}

/** Errors the start of a query can be rejected with; `network` drops the connection instead. */
export type FakeStartError =
  | "TooManyRequestsException"
  | "ThrottlingException"
  | "InvalidRequestException"
  | "InternalServerException"
  | "network";

/** What happens to the queries a rule matches. Every field is optional. */
export interface FakeQueryScript {
  /** Polls answered QUEUED, then polls answered RUNNING, before the final state. */
  readonly queuedPolls?: number;
  readonly runningPolls?: number;
  /** The rows of a successful query (default: no columns, no rows). */
  readonly result?: FakeResult;
  /** End FAILED with this StateChangeReason (and an AthenaError built from it). */
  readonly fail?: { readonly reason: string; readonly errorCategory?: number; readonly errorType?: number; readonly retryable?: boolean };
  /** Reject the first `times` StartQueryExecution calls of matching SQL. */
  readonly rejectStart?: { readonly error: FakeStartError; readonly times: number; readonly message?: string };
  /** `Statistics.DataScannedInBytes` of a successful query. */
  readonly bytesScanned?: number;
  /** How many queries this rule applies to before it is used up (default: unlimited). */
  readonly times?: number;
}

export type SqlMatcher = RegExp | ((sql: string) => boolean);

/** Backs queries with a real engine (e.g. DuckDB): return rows, or throw to make the query FAIL. */
export type FakeExecutor = (sql: string, context: { readonly database?: string; readonly catalog?: string }) =>
  FakeResult | Promise<FakeResult>;

export interface RecordedRequest {
  /** `StartQueryExecution`, `GetQueryExecution`, … */
  readonly operation: string;
  readonly body: Record<string, unknown>;
}

interface Rule {
  readonly match: SqlMatcher;
  readonly script: FakeQueryScript;
  used: number;
  rejected: number;
}

interface FakeQuery {
  readonly id: string;
  readonly sql: string;
  readonly body: Record<string, unknown>;
  readonly script: FakeQueryScript;
  readonly submittedAt: number;
  polls: number;
  state: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  result?: FakeResult;
  failure?: string;
  /** Whether a poll has reported the final state (the client may then stop watching it). */
  reported: boolean;
}

export interface FakeAthenaServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Every request in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** The most queries that had started and not yet been reported finished, at any moment. */
  readonly maxInFlight: number;
  /** Adds a rule; rules are tried in the order added, the first match with uses left wins. */
  script(match: SqlMatcher, script: FakeQueryScript): void;
  /** Request bodies of one operation. */
  bodiesOf(operation: string): Record<string, unknown>[];
  /** The SQL of every accepted StartQueryExecution, in order. */
  readonly queries: readonly string[];
  /** Forgets requests, rules and queries and restarts query ids at q-000001 (keeps the executor). */
  reset(): void;
  stop(): Promise<void>;
}

const MAX_RESULTS_LIMIT = 1000;
const JSON_TYPE = "application/x-amz-json-1.1";

/**
 * Starts the fake endpoint.
 *
 * @example
 * const athena = await startAthenaServer();
 * athena.script(/FROM orders/, { runningPolls: 2, result: { columns: [{ name: "n", type: "bigint" }], rows: [["1"]] } });
 * const client = new AthenaClient({ endpoint: athena.endpoint, region: "us-east-1", credentials });
 */
export async function startAthenaServer(options: { readonly executor?: FakeExecutor } = {}): Promise<FakeAthenaServer> {
  const requests: RecordedRequest[] = [];
  const rules: Rule[] = [];
  const queries = new Map<string, FakeQuery>();
  const byToken = new Map<string, string>();
  const accepted: string[] = [];
  let nextId = 1;
  let inFlight = 0;
  let maxInFlight = 0;

  const ruleFor = (sql: string): Rule | undefined =>
    rules.find((rule) => (rule.script.times === undefined || rule.used < rule.script.times) && matches(rule.match, sql));

  const finish = async (query: FakeQuery): Promise<void> => {
    const { script } = query;
    if (script.fail) {
      query.state = "FAILED";
      query.failure = script.fail.reason;
    } else if (script.result) {
      query.state = "SUCCEEDED";
      query.result = script.result;
    } else if (options.executor) {
      try {
        query.result = await options.executor(query.sql, contextOf(query.body));
        query.state = "SUCCEEDED";
      } catch (error) {
        query.state = "FAILED";
        query.failure = error instanceof Error ? error.message : String(error);
      }
    } else {
      query.state = "SUCCEEDED";
      query.result = { columns: [], rows: [] };
    }
  };

  const handlers: Record<string, (body: Record<string, unknown>, res: ServerResponse) => Promise<void>> = {
    async StartQueryExecution(body, res) {
      const sql = String(body["QueryString"] ?? "");
      const token = typeof body["ClientRequestToken"] === "string" ? body["ClientRequestToken"] : undefined;
      // Athena is idempotent per ClientRequestToken: a retried start returns the same query.
      const known = token === undefined ? undefined : byToken.get(token);
      if (known !== undefined) return sendJson(res, 200, { QueryExecutionId: known });
      const rule = ruleFor(sql);
      const reject = rule?.script.rejectStart;
      if (rule && reject && rule.rejected < reject.times) {
        rule.rejected++;
        if (reject.error === "network") {
          res.socket?.destroy();
          return;
        }
        const status = reject.error === "InternalServerException" ? 500 : 400;
        return sendJson(res, status, { __type: reject.error, Message: reject.message ?? defaultMessage(reject.error) });
      }
      if (rule) rule.used++;
      const id = `q-${String(nextId++).padStart(6, "0")}`;
      const query: FakeQuery = {
        id, sql, body, script: rule?.script ?? {}, submittedAt: Date.now() / 1000, polls: 0,
        state: "QUEUED", reported: false,
      };
      queries.set(id, query);
      if (token !== undefined) byToken.set(token, id);
      accepted.push(sql);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      sendJson(res, 200, { QueryExecutionId: id });
    },

    async GetQueryExecution(body, res) {
      const query = queries.get(String(body["QueryExecutionId"]));
      if (!query) return sendNotFound(res, body);
      if (query.state === "QUEUED" || query.state === "RUNNING") {
        query.polls++;
        const queued = query.script.queuedPolls ?? 0;
        const running = query.script.runningPolls ?? 0;
        if (query.polls <= queued) query.state = "QUEUED";
        else if (query.polls <= queued + running) query.state = "RUNNING";
        else await finish(query);
      }
      const isFinal = query.state !== "QUEUED" && query.state !== "RUNNING";
      if (isFinal && !query.reported) {
        query.reported = true;
        inFlight--;
      }
      sendJson(res, 200, { QueryExecution: describe(query) });
    },

    async GetQueryResults(body, res) {
      const query = queries.get(String(body["QueryExecutionId"]));
      if (!query) return sendNotFound(res, body);
      if (query.state !== "SUCCEEDED") {
        return sendJson(res, 400, {
          __type: "InvalidRequestException",
          Message: `Query has not yet finished. Current state: ${query.state}`,
        });
      }
      const maxResults = typeof body["MaxResults"] === "number" ? body["MaxResults"] : MAX_RESULTS_LIMIT;
      if (maxResults < 1 || maxResults > MAX_RESULTS_LIMIT) {
        return sendJson(res, 400, { __type: "InvalidRequestException", Message: "MaxResults must be between 1 and 1000" });
      }
      sendJson(res, 200, resultPage(query, maxResults, body["NextToken"]));
    },

    async StopQueryExecution(body, res) {
      const query = queries.get(String(body["QueryExecutionId"]));
      if (!query) return sendNotFound(res, body);
      if (query.state === "QUEUED" || query.state === "RUNNING") {
        query.state = "CANCELLED";
        query.reported = true;
        inFlight--;
      }
      sendJson(res, 200, {});
    },
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      sendJson(res, 500, { __type: "InternalServerException", Message: String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.startsWith("AmazonAthena.") ? target.slice("AmazonAthena.".length) : target;
    const body = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    requests.push({ operation, body });
    const handler = handlers[operation];
    if (!handler) {
      return sendJson(res, 400, { __type: "UnknownOperationException", Message: `Unsupported operation ${operation}` });
    }
    await handler(body, res);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    get queries() {
      return accepted;
    },
    script(match, script) {
      rules.push({ match, script, used: 0, rejected: 0 });
    },
    bodiesOf(operation) {
      return requests.filter((r) => r.operation === operation).map((r) => r.body);
    },
    reset() {
      requests.length = 0;
      rules.length = 0;
      accepted.length = 0;
      queries.clear();
      byToken.clear();
      inFlight = 0;
      maxInFlight = 0;
      nextId = 1;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function matches(matcher: SqlMatcher, sql: string): boolean {
  return typeof matcher === "function" ? matcher(sql) : new RegExp(matcher.source, matcher.flags.replace("g", "")).test(sql);
}

function contextOf(body: Record<string, unknown>): { database?: string; catalog?: string } {
  const context = (body["QueryExecutionContext"] ?? {}) as { Database?: string; Catalog?: string };
  return {
    ...(context.Database !== undefined ? { database: context.Database } : {}),
    ...(context.Catalog !== undefined ? { catalog: context.Catalog } : {}),
  };
}

// The QueryExecution document, with epoch-second timestamps (ISO strings break the SDK).
function describe(query: FakeQuery): Record<string, unknown> {
  const isFinal = query.state !== "QUEUED" && query.state !== "RUNNING";
  const status: Record<string, unknown> = { State: query.state, SubmissionDateTime: query.submittedAt };
  if (isFinal) status["CompletionDateTime"] = Date.now() / 1000;
  if (query.state === "FAILED") {
    const fail = query.script.fail;
    status["StateChangeReason"] = query.failure;
    status["AthenaError"] = {
      ErrorCategory: fail?.errorCategory ?? 2,
      ErrorType: fail?.errorType ?? 1301,
      Retryable: fail?.retryable ?? false,
      ErrorMessage: query.failure,
    };
  }
  const output = (query.body["ResultConfiguration"] as { OutputLocation?: string } | undefined)?.OutputLocation;
  return {
    QueryExecutionId: query.id,
    Query: query.sql,
    StatementType: /^\s*(select|with|show|describe|values|explain)\b/i.test(query.sql) ? "DML" : "DDL",
    ...(output !== undefined ? { ResultConfiguration: { OutputLocation: `${output}${query.id}.csv` } } : {}),
    QueryExecutionContext: query.body["QueryExecutionContext"] ?? {},
    Status: status,
    Statistics: {
      EngineExecutionTimeInMillis: 5,
      TotalExecutionTimeInMillis: 7,
      ...(query.state === "SUCCEEDED" ? { DataScannedInBytes: query.script.bytesScanned ?? 0 } : {}),
    },
    WorkGroup: query.body["WorkGroup"] ?? "primary",
  };
}

function resultPage(query: FakeQuery, maxResults: number, token: unknown): Record<string, unknown> {
  const result = query.result ?? { columns: [], rows: [] };
  const hasHeader = (result.header ?? true) && result.columns.length > 0;
  // Athena counts the header row against MaxResults on the first page.
  const all: (readonly (string | null)[])[] = hasHeader ? [result.columns.map((c) => c.name), ...result.rows] : [...result.rows];
  const offset = typeof token === "string" ? Number(token.split(":")[1]) : 0;
  const page = all.slice(offset, offset + maxResults);
  const next = offset + maxResults < all.length ? `${query.id}:${offset + maxResults}` : undefined;
  return {
    UpdateCount: 0,
    ResultSet: {
      Rows: page.map((row) => ({ Data: row.map((value) => (value === null ? {} : { VarCharValue: value })) })),
      ResultSetMetadata: {
        ColumnInfo: result.columns.map((c) => ({
          CatalogName: "hive", SchemaName: "", TableName: "", Name: c.name, Label: c.name, Type: c.type,
          Precision: c.precision ?? 0, Scale: c.scale ?? 0, Nullable: "UNKNOWN", CaseSensitive: c.type === "varchar",
        })),
      },
    },
    ...(next !== undefined ? { NextToken: next } : {}),
  };
}

function defaultMessage(error: FakeStartError): string {
  switch (error) {
    case "TooManyRequestsException":
      return "You have exceeded the limit for the number of queries you can run concurrently.";
    case "ThrottlingException":
      return "Rate exceeded";
    case "InvalidRequestException":
      return "line 1:1: mismatched input 'SELEC'";
    case "InternalServerException":
      return "Internal error";
    case "network":
      return "";
  }
}

function sendNotFound(res: ServerResponse, body: Record<string, unknown>): void {
  sendJson(res, 400, {
    __type: "InvalidRequestException",
    Message: `QueryExecution ${String(body["QueryExecutionId"])} was not found`,
  });
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
