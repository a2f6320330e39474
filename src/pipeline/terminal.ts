/**
 * Which load failures no rerun can fix. Such a package is marked failed (its jobs in
 * `failed_jobs/` with the reason) and later runs pass it by; every other failure leaves the package
 * pending, to be completed by the next run (throttling, a lost connection, missing permissions or
 * configuration that the user can fix without touching the data).
 */
import { DltAthenaError } from "../errors.js";

/** Plan and compile errors: the package's own data or schema cannot be loaded as it is. */
const TERMINAL_CODES = new Set([
  "table_format_change",
  "unsupported_data_type",
  "unsafe_identifier",
  "identifier_collision",
  "unknown_table",
  "merge_key_missing",
  "merge_root_key_missing",
  "statement_too_long",
  "invalid_literal",
  "unsafe_literal",
  "invalid_plan_value",
  "invalid_identifier",
  "no_columns",
  "undo_unavailable",
  "schema_contract_violation",
]);

/**
 * True for a failure a rerun of the same package cannot fix: a plan error, or a statement the
 * engine ran and refused as the user's error (Athena: a FAILED query with a statement or data error;
 * the local engine: a statement DuckDB rejected). Athena's system errors (GENERIC_INTERNAL_ERROR,
 * metastore trouble), API errors, retries given up and missing relations are not terminal.
 *
 * @example isTerminalLoadFailure(new LoadError("table_format_change", "…")); // true
 */
export function isTerminalLoadFailure(error: unknown): boolean {
  if (!(error instanceof DltAthenaError) || error.kind !== "load" || error.isTransient) return false;
  if (TERMINAL_CODES.has(error.code)) return true;
  // A query Athena accepted and then FAILED (SQL, types): an API error has an `operation` instead.
  // Set by athena-errors.ts for a FAILED query whose reason is SYNTAX_ERROR, TYPE_MISMATCH, ….
  if (error.code === "athena_query_failed") return error.meta.state === "FAILED" && error.meta.user_error === true;
  if (error.code === "local_query_failed") return !/lock|could not set lock|IO Error|Conflicting lock/i.test(error.message);
  return false;
}
