/**
 * Athena error handling in one place (STYLE §2.3 habit 6, anti-pattern 3): which API failures
 * are worth retrying, the one function that reads Athena's failure texts, and the translation
 * into LoadErrors that carry the reason, the query id and the SQL but never a credential.
 */
import { LoadError } from "../../errors.js";
import { UNDEFINED_RELATION } from "../sql-client.js";
import { RetryExhaustedError } from "../../util/retry.js";
import { isRetryableSdkError } from "../../util/sdk-errors.js";
import type { SdkErrorShape } from "../../util/sdk-errors.js";
import { scrubSecrets } from "../../config/redact.js";

/** SQL in error messages and meta is cut to this many characters. */
export const MAX_SQL_IN_ERROR = 2000;

// Athena's API throttles two ways: TooManyRequestsException (active-query quota,
// CONCURRENT_QUERY_LIMIT_EXCEEDED) and ThrottlingException (API call rate). 5xx are transient.
const RETRYABLE_NAMES = new Set([
  "TooManyRequestsException", "ThrottlingException", "Throttling", "RequestLimitExceeded",
  "InternalServerException", "InternalFailure", "InternalError", "ServiceUnavailable",
  "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException", "TimeoutError",
]);
/** How a failure text reads: a missing table or database, a lost Iceberg commit race, or else. */
export type AthenaFailureClass = "undefined_relation" | "commit_conflict" | "terminal";

/**
 * Classifies Athena's failure text (a FAILED query's StateChangeReason or an API error message).
 * This is the ONLY place that matches on Athena's message text, as dlt's
 * `_make_database_exception` does (reference §9.2); each pattern has a test.
 *
 * @example
 * classifyAthenaMessage("TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.shop.orders' does not exist"); // "undefined_relation"
 * classifyAthenaMessage("ICEBERG_COMMIT_ERROR: Failed to commit Iceberg update to table"); // "commit_conflict"
 */
export function classifyAthenaMessage(message: string): AthenaFailureClass {
  // Two writers committing to one Iceberg table: the loser fails and may simply try again.
  if (/ICEBERG_COMMIT_ERROR|ConcurrentModification|concurrent modification|CommitFailedException/i.test(message)) {
    return "commit_conflict";
  }
  // A missing column is a broken statement, not a missing relation.
  if (/COLUMN_NOT_FOUND|\bcolumn\b[^\n]*\bdoes not exist/i.test(message)) return "terminal";
  if (/TABLE_NOT_FOUND|SCHEMA_NOT_FOUND/.test(message)) return "undefined_relation";
  // Hive DDL: "FAILED: SemanticException [Error 10001]: Table not found orders" (dlt: "Table" + " not found").
  if (/\bTable\b[^\n]* not found/.test(message)) return "undefined_relation";
  // Hive DDL: "FAILED: SemanticException [Error 10072]: Database does not exist: shop".
  if (/Database does not exist/i.test(message)) return "undefined_relation";
  // Trino: "Table 'c.d.t' does not exist", "Schema 'd' does not exist"; Glue: "Database d not found".
  // Only relation words count: "The specified bucket does not exist" is a configuration problem.
  if (/\b(table|schema|database|catalog|view)\b[^\n]*\b(does not exist|not found)/i.test(message)) {
    return "undefined_relation";
  }
  return "terminal";
}

/**
 * Athena's error names for statements that fail because of what they say or the data they read:
 * the same statement on the same package fails again, so a rerun cannot help (reference: Athena's
 * error catalog; Trino's StandardErrorCode USER_ERROR codes).
 */
const USER_ERROR_NAMES = /^(SYNTAX_ERROR|TYPE_MISMATCH|COLUMN_NOT_FOUND|MISMATCHED_COLUMN_ALIASES|INVALID_CAST_ARGUMENT|INVALID_FUNCTION_ARGUMENT|INVALID_LITERAL|NOT_SUPPORTED|DIVISION_BY_ZERO|NUMERIC_VALUE_OUT_OF_RANGE|DUPLICATE_COLUMN_NAME|AMBIGUOUS_NAME|FUNCTION_NOT_FOUND|INVALID_TABLE_PROPERTY|INVALID_COLUMN_REFERENCE|HIVE_BAD_DATA|HIVE_PARTITION_SCHEMA_MISMATCH|ICEBERG_BAD_DATA)\b/;

/**
 * Whether a FAILED query's reason names an error in the statement or its data (see
 * {@link USER_ERROR_NAMES}), as opposed to Athena's own trouble (GENERIC_INTERNAL_ERROR,
 * HIVE_METASTORE_ERROR) that may pass.
 *
 * @example isUserErrorReason("TYPE_MISMATCH: line 1:8: Cannot insert varchar into bigint"); // true
 */
export function isUserErrorReason(reason: string): boolean {
  return USER_ERROR_NAMES.test(reason.trim());
}

/**
 * True for API failures a retry can cure: throttling, 5xx, network resets. Also true for our
 * own transient errors (a FAILED query that lost an Iceberg commit race).
 *
 * @example
 * isRetryableAthenaError(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" })); // true
 */
export function isRetryableAthenaError(error: unknown): boolean {
  return isRetryableSdkError(error, RETRYABLE_NAMES);
}

/** What we know about the statement when it failed. */
export interface AthenaFailureContext {
  readonly sql: string;
  readonly queryId?: string;
  readonly database?: string;
  /** Explicit secrets to scrub from any text (a server could echo one back). */
  readonly secrets: readonly string[];
}

/**
 * The error for a query that reached a final state other than SUCCEEDED.
 * Missing relations become `undefined_relation`; lost commit races are transient (retried);
 * everything else is a terminal `athena_query_failed`.
 *
 * @example
 * throw queryFailedError({ state: "FAILED", reason: "SYNTAX_ERROR: …" }, { sql, queryId: "q-1", secrets: [] });
 */
export function queryFailedError(
  status: { readonly state: string; readonly reason?: string; readonly errorType?: number; readonly errorCategory?: number },
  context: AthenaFailureContext,
): LoadError {
  const reason = status.reason ?? (status.state === "CANCELLED" ? "the query was cancelled" : "no reason given");
  const kind = classifyAthenaMessage(reason);
  const code = kind === "undefined_relation" ? UNDEFINED_RELATION : "athena_query_failed";
  const id = context.queryId ?? "(none)";
  const message = scrubSecrets(
    `Athena query ${id} ${status.state}: ${reason}\nSQL: ${truncateSql(context.sql)}`,
    context.secrets,
  );
  return new LoadError(code, message, {
    isTransient: kind === "commit_conflict",
    meta: {
      query_id: context.queryId ?? null,
      state: status.state,
      reason: scrubSecrets(reason, context.secrets),
      // The statement or its data is wrong: the package fails for good (pipeline/terminal.ts).
      ...(kind === "terminal" && isUserErrorReason(reason) ? { user_error: true } : {}),
      ...(status.errorType !== undefined ? { athena_error_type: status.errorType } : {}),
      ...(status.errorCategory !== undefined ? { athena_error_category: status.errorCategory } : {}),
      ...(context.database !== undefined ? { database: context.database } : {}),
      sql: scrubSecrets(truncateSql(context.sql), context.secrets),
    },
  });
}

/**
 * Turns an API failure (or exhausted retries of one) into a LoadError naming the operation, the
 * Athena error and the SQL. Errors that are already ours pass through, re-worded when retries ran out.
 *
 * @example
 * throw translateAthenaError(error, "StartQueryExecution", { sql, secrets: [] });
 */
export function translateAthenaError(error: unknown, operation: string, context: AthenaFailureContext): LoadError {
  const exhausted = error instanceof RetryExhaustedError;
  const last = exhausted ? error.cause : error;
  const tries = exhausted ? ` after ${error.attempts} attempts` : "";
  if (last instanceof LoadError) {
    if (!exhausted) return last;
    return new LoadError(last.code, `Gave up${tries}: ${last.message}`, {
      cause: error, isTransient: true, meta: { ...last.meta, attempts: error.attempts },
    });
  }
  const e = (typeof last === "object" && last !== null ? last : {}) as SdkErrorShape;
  const name = e.name ?? e.code ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const what = [name, status === undefined ? undefined : `HTTP ${status}`, e.AthenaErrorCode].filter(Boolean).join(", ");
  const detail = typeof e.message === "string" && e.message !== "" && e.message !== name ? `: ${e.message}` : "";
  const undefinedRelation = classifyAthenaMessage(e.message ?? "") === "undefined_relation";
  const code = undefinedRelation ? UNDEFINED_RELATION : exhausted ? "athena_retries_exhausted" : "athena_query_failed";
  const message = scrubSecrets(
    `Athena ${operation} failed${tries} (${what})${detail}.${hintFor(e.message ?? "")}\nSQL: ${truncateSql(context.sql)}`,
    context.secrets,
  );
  return new LoadError(code, message, {
    cause: error,
    // Exhausted throttling may pass on a later run; a malformed request will not.
    isTransient: !undefinedRelation && (exhausted || isRetryableAthenaError(last)),
    meta: {
      operation,
      athena_error: name,
      http_status: status ?? null,
      query_id: context.queryId ?? null,
      ...(exhausted ? { attempts: error.attempts } : {}),
      sql: scrubSecrets(truncateSql(context.sql), context.secrets),
    },
  });
}

/**
 * Cuts SQL for messages, saying how much was left out.
 *
 * @example
 * truncateSql("SELECT 1"); // "SELECT 1"
 */
export function truncateSql(sql: string, max = MAX_SQL_IN_ERROR): string {
  return sql.length <= max ? sql : `${sql.slice(0, max)}… (${sql.length - max} more characters)`;
}

function hintFor(message: string): string {
  if (/output location/i.test(message)) {
    return " Set [destination.athena] query_result_bucket, or use a work group with an output location or managed query results.";
  }
  if (/workgroup|work group/i.test(message)) return " Check [destination.athena] athena_work_group.";
  return "";
}
