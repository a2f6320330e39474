/**
 * The Athena {@link SqlClient} on @aws-sdk/client-athena: start a query, poll it with backoff,
 * page its results and convert Athena's string values by column type.
 *
 * Retry ownership: the SDK runs with `maxAttempts: 1`; every API call goes through our
 * {@link retry} (throttling, 5xx, network), and a query that FAILED because it lost an Iceberg
 * commit race is resubmitted as a whole with a fresh request token. A slot pool caps statements
 * in flight per client (`max_concurrent_queries`), which is what keeps a wide plan wave under the
 * account's active-query quota instead of bouncing off `TooManyRequestsException`.
 */
import { randomUUID } from "node:crypto";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClientConfig,
  type ColumnInfo,
  type QueryExecution,
  type Row,
  type StartQueryExecutionInput,
} from "@aws-sdk/client-athena";
import type { ResolvedConfig } from "../../config/resolve.js";
import { awsSettingsFor, credentialsFor } from "../../config/aws.js";
import { ConfigError, LoadError } from "../../errors.js";
import { retry, type RetryOptions } from "../../util/retry.js";
import { countRetry } from "../../util/retry-counts.js";
import type { QueryColumn, QueryResult, SqlClient } from "../sql-client.js";
import {
  isRetryableAthenaError,
  queryFailedError,
  translateAthenaError,
  truncateSql,
  type AthenaFailureContext,
} from "./athena-errors.js";
import { convertAthenaValue } from "./athena-values.js";

export interface AthenaSqlClientOptions {
  /** The SDK client; build it with `maxAttempts: 1` so this class owns retries. */
  readonly client: AthenaClient;
  /** Default database for unqualified names (`QueryExecutionContext.Database`). */
  readonly database?: string;
  /** `aws_data_catalog` (`QueryExecutionContext.Catalog`). */
  readonly catalog?: string;
  /** `athena_work_group`. */
  readonly workGroup?: string;
  /** `query_result_bucket`; without it no ResultConfiguration is sent (managed query results). */
  readonly queryResultBucket?: string;
  /** Statements in flight at once (default 5). */
  readonly maxConcurrentQueries?: number;
  /** Attempts per API call and per commit-conflicted query (default 8), backoff base and cap in ms. */
  readonly retry?: { readonly attempts?: number; readonly baseMs?: number; readonly capMs?: number };
  /** Polling backoff: first delay (100 ms), growth factor (1.5) and cap (2 s). */
  readonly poll?: { readonly initialMs?: number; readonly factor?: number; readonly maxMs?: number };
  /** Stop a query still running after this long (StopQueryExecution) and fail; default: no limit. */
  readonly timeoutMs?: number;
  /** `GetQueryResults` page size (default and Athena's maximum: 1000). */
  readonly pageSize?: number;
  /** Explicit secrets to scrub from error texts. */
  readonly secrets?: readonly string[];
  /** Injected in tests: instant sleep, deterministic jitter, a fake clock (ms). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

export const DEFAULT_MAX_CONCURRENT_QUERIES = 5;
export const DEFAULT_ATHENA_RETRY = { attempts: 8, baseMs: 200, capMs: 15_000 } as const;
const DEFAULT_POLL = { initialMs: 100, factor: 1.5, maxMs: 2000 } as const;
const MAX_PAGE_SIZE = 1000;
// Statements whose results start with a header row on Athena (DML result sets).
const RESULT_SET_START = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*(select|with|show|describe|desc|values|explain|table)\b/i;

/**
 * Runs statements on Athena.
 *
 * @example
 * const athena = new AthenaSqlClient({ client: new AthenaClient({ region: "eu-west-1", maxAttempts: 1 }), database: "shop" });
 * const { rows } = await athena.execute("SELECT count(*) FROM orders");
 */
export class AthenaSqlClient implements SqlClient {
  readonly #client: AthenaClient;
  readonly #options: AthenaSqlClientOptions;
  readonly #slots: Slots;
  readonly #retry: RetryOptions;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;

  constructor(options: AthenaSqlClientOptions) {
    this.#client = options.client;
    this.#options = options;
    this.#slots = new Slots(options.maxConcurrentQueries ?? DEFAULT_MAX_CONCURRENT_QUERIES);
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#now = options.now ?? Date.now;
    this.#retry = {
      attempts: options.retry?.attempts ?? DEFAULT_ATHENA_RETRY.attempts,
      baseMs: options.retry?.baseMs ?? DEFAULT_ATHENA_RETRY.baseMs,
      capMs: options.retry?.capMs ?? DEFAULT_ATHENA_RETRY.capMs,
      sleep: this.#sleep,
      ...(options.random ? { random: options.random } : {}),
      onRetry: () => countRetry("athena"),
    };
  }

  /** Runs one statement and returns its rows converted by column type. */
  execute(sql: string, options: { readonly database?: string } = {}): Promise<QueryResult> {
    const database = options.database ?? this.#options.database;
    const context: AthenaFailureContext = {
      sql, secrets: this.#options.secrets ?? [], ...(database !== undefined ? { database } : {}),
    };
    return this.#slots.run(async () => {
      const startedAt = this.#now();
      try {
        // Only a lost Iceberg commit race resubmits the whole query; API errors retry per call.
        return await retry(() => this.#runOnce(sql, database, context, startedAt), {
          ...this.#retry,
          isRetryable: (error) => error instanceof LoadError && error.code === "athena_query_failed" && error.isTransient,
        });
      } catch (error) {
        throw translateAthenaError(error, "query", context);
      }
    });
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  async #runOnce(sql: string, database: string | undefined, context: AthenaFailureContext, startedAt: number): Promise<QueryResult> {
    const input = this.#startInput(sql, database);
    // One token per submission: a retried start after a lost response returns the same query.
    const started = await this.#call("StartQueryExecution", context, () =>
      this.#client.send(new StartQueryExecutionCommand(input)));
    const queryId = started.QueryExecutionId;
    if (queryId === undefined) throw new LoadError("athena_query_failed", `Athena returned no query id.\nSQL: ${truncateSql(sql)}`);
    const withId = { ...context, queryId };
    const execution = await this.#waitFor(queryId, withId, startedAt);
    const status = execution.Status;
    if (status?.State !== "SUCCEEDED") {
      throw queryFailedError({
        state: status?.State ?? "UNKNOWN",
        ...(status?.StateChangeReason !== undefined ? { reason: status.StateChangeReason } : {}),
        ...(status?.AthenaError?.ErrorType !== undefined ? { errorType: status.AthenaError.ErrorType } : {}),
        ...(status?.AthenaError?.ErrorCategory !== undefined ? { errorCategory: status.AthenaError.ErrorCategory } : {}),
      }, withId);
    }
    const { columns, rows } = await this.#fetchResults(queryId, sql, withId);
    const bytesScanned = execution.Statistics?.DataScannedInBytes;
    return {
      columns,
      rows,
      statistics: {
        queryId,
        seconds: (this.#now() - startedAt) / 1000,
        ...(bytesScanned !== undefined ? { bytesScanned } : {}),
      },
    };
  }

  #startInput(sql: string, database: string | undefined): StartQueryExecutionInput {
    const { catalog, workGroup, queryResultBucket } = this.#options;
    const context = {
      ...(database !== undefined ? { Database: database } : {}),
      ...(catalog !== undefined ? { Catalog: catalog } : {}),
    };
    return {
      QueryString: sql,
      ClientRequestToken: randomUUID(),
      ...(Object.keys(context).length > 0 ? { QueryExecutionContext: context } : {}),
      // Sending ResultConfiguration to a work group with managed query results is an error,
      // so it goes only when the user configured a bucket (issue 5 pitfalls).
      ...(queryResultBucket ? { ResultConfiguration: { OutputLocation: withSlash(queryResultBucket) } } : {}),
      ...(workGroup ? { WorkGroup: workGroup } : {}),
    };
  }

  async #waitFor(queryId: string, context: AthenaFailureContext, startedAt: number): Promise<QueryExecution> {
    const poll = { ...DEFAULT_POLL, ...this.#options.poll };
    let delay = poll.initialMs;
    for (;;) {
      await this.#sleep(delay);
      const { QueryExecution: execution } = await this.#call("GetQueryExecution", context, () =>
        this.#client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId })));
      const state = execution?.Status?.State;
      if (execution && state !== "QUEUED" && state !== "RUNNING" && state !== undefined) return execution;
      const timeoutMs = this.#options.timeoutMs;
      if (timeoutMs !== undefined && this.#now() - startedAt > timeoutMs) {
        await this.#client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId })).catch(() => undefined);
        throw new LoadError(
          "athena_query_timeout",
          `Athena query ${queryId} was still ${state ?? "pending"} after ${timeoutMs} ms and was stopped.\nSQL: ${truncateSql(context.sql)}`,
          { isTransient: true, meta: { query_id: queryId, timeout_ms: timeoutMs, sql: truncateSql(context.sql) } },
        );
      }
      delay = Math.min(poll.maxMs, delay * poll.factor);
    }
  }

  async #fetchResults(queryId: string, sql: string, context: AthenaFailureContext): Promise<{ columns: QueryColumn[]; rows: unknown[][] }> {
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, this.#options.pageSize ?? MAX_PAGE_SIZE));
    const rows: unknown[][] = [];
    let columns: QueryColumn[] | undefined;
    let infos: readonly ColumnInfo[] = [];
    let token: string | undefined;
    let isFirstPage = true;
    do {
      const page = await this.#call("GetQueryResults", context, () =>
        this.#client.send(new GetQueryResultsCommand({
          QueryExecutionId: queryId, MaxResults: pageSize, ...(token !== undefined ? { NextToken: token } : {}),
        })));
      if (columns === undefined) {
        infos = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columns = infos.map(columnOf);
      }
      let pageRows = page.ResultSet?.Rows ?? [];
      if (isFirstPage && isHeaderRow(pageRows[0], infos) && RESULT_SET_START.test(sql)) pageRows = pageRows.slice(1);
      for (const row of pageRows) rows.push(convertRow(row, columns));
      token = page.NextToken;
      isFirstPage = false;
    } while (token !== undefined && token !== "");
    return { columns: columns ?? [], rows };
  }

  /** One API call with our retry policy; failures come out translated. */
  async #call<T>(operation: string, context: AthenaFailureContext, send: () => Promise<T>): Promise<T> {
    try {
      return await retry(send, { ...this.#retry, isRetryable: isRetryableAthenaError });
    } catch (error) {
      throw translateAthenaError(error, operation, context);
    }
  }
}

/**
 * Builds the client from resolved config: `[destination.athena]` keys plus
 * `[destination.athena.credentials]` (falling back to the filesystem credentials); `endpoint_url`
 * points the SDK at an Athena-compatible endpoint. Credentials resolve lazily, on the first query.
 *
 * @example
 * const athena = createAthenaSqlClient(resolveConfig({ projectDir: "." }), { database: "shop_data" });
 */
export function createAthenaSqlClient(
  config: ResolvedConfig,
  options: { readonly database?: string } & Pick<AthenaSqlClientOptions, "sleep" | "random" | "now" | "retry" | "poll" | "timeoutMs"> = {},
): AthenaSqlClient {
  const settings = awsSettingsFor(config, "athena");
  const sdkConfig: AthenaClientConfig = { maxAttempts: 1 };
  if (settings.endpoint !== undefined) {
    if (!/^https?:\/\/[^/\s]+/i.test(settings.endpoint) || !URL.canParse(settings.endpoint)) {
      throw new ConfigError(
        "invalid_endpoint_url",
        `Invalid endpoint_url '${settings.endpoint}' in [destination.athena.credentials]: expected an http(s) URL such as 'http://127.0.0.1:4566'.`,
        { meta: { endpoint_url: settings.endpoint } },
      );
    }
    sdkConfig.endpoint = settings.endpoint;
  }
  const region = settings.region ?? (settings.isCustomEndpoint ? "us-east-1" : undefined);
  if (region !== undefined) sdkConfig.region = region;
  if (settings.profile !== undefined) sdkConfig.profile = settings.profile;
  if (settings.credentials !== undefined) {
    sdkConfig.credentials = settings.credentials;
  } else {
    // The provider package loads only when a query actually runs (dry runs need no credentials).
    let provider: ReturnType<typeof credentialsFor> | undefined;
    sdkConfig.credentials = async () => {
      provider ??= credentialsFor(settings);
      const found = await provider;
      return typeof found === "function" ? found() : found;
    };
  }
  const maxConcurrent = config.getInteger("destination.athena.max_concurrent_queries");
  // max_retries counts retries: the first attempt is not one of them.
  const maxRetries = config.getInteger("destination.athena.max_retries");
  const workGroup = config.getString("destination.athena.athena_work_group");
  const catalog = config.getString("destination.athena.aws_data_catalog");
  const bucket = config.getString("destination.athena.query_result_bucket");
  // Test hook, not a user setting: integration tests against a local fake endpoint poll every
  // few ms instead of Athena's 100 ms-and-up, which keeps whole-stack suites fast.
  const testPollMs = Number(process.env["DLT_ATHENA_POLL_MS"]);
  return new AthenaSqlClient({
    ...(testPollMs > 0 ? { poll: { initialMs: testPollMs, maxMs: testPollMs } } : {}),
    ...(maxRetries !== undefined ? { retry: { attempts: maxRetries + 1 } } : {}),
    ...options,
    client: new AthenaClient(sdkConfig),
    secrets: settings.secrets,
    ...(maxConcurrent !== undefined ? { maxConcurrentQueries: maxConcurrent } : {}),
    ...(workGroup ? { workGroup } : {}),
    ...(catalog ? { catalog } : {}),
    ...(bucket ? { queryResultBucket: bucket } : {}),
  });
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function columnOf(info: ColumnInfo): QueryColumn {
  const type = (info.Type ?? "varchar").toLowerCase();
  // Athena reports decimal precision and scale beside the type name, not inside it.
  const full = type === "decimal" && info.Precision ? `decimal(${info.Precision},${info.Scale ?? 0})` : type;
  return { name: info.Name ?? "", type: full };
}

// Athena's first row of a SELECT repeats the column labels; PyAthena drops it on the same test.
function isHeaderRow(row: Row | undefined, infos: readonly ColumnInfo[]): boolean {
  const data = row?.Data;
  if (data === undefined || infos.length === 0 || data.length !== infos.length) return false;
  return infos.every((info, i) => data[i]?.VarCharValue === (info.Label ?? info.Name));
}

function convertRow(row: Row, columns: readonly QueryColumn[]): unknown[] {
  const data = row.Data ?? [];
  const split = splitHiveText(data, columns.length);
  if (split !== undefined) return split;
  return columns.map((column, i) => convertAthenaValue(data[i]?.VarCharValue, column.type));
}

/**
 * Athena answers DESCRIBE (a Hive statement) with one tab-separated, space-padded field per row
 * under several column names (`col_name`, `data_type`, `comment`). Like Athena's drivers, split
 * such a row into its columns, trimmed; a row that does not split into exactly that many is kept.
 */
function splitHiveText(data: NonNullable<Row["Data"]>, width: number): string[] | undefined {
  const text = data.length === 1 && width > 1 ? data[0]?.VarCharValue : undefined;
  if (text === undefined || !text.includes("\t")) return undefined;
  const parts = text.split("\t").map((part) => part.trim());
  return parts.length === width ? parts : undefined;
}

/** A counting semaphore: at most `size` tasks run at once, the rest wait in order. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = Math.max(1, Math.floor(size));
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so a newcomer cannot jump the queue.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
