/**
 * When a file is complete, and what it is called. dlt rotates a file when it reaches
 * `file_max_items` or `file_max_bytes`; it sets no limit by default, but our writer holds a whole
 * file in an in-memory DuckDB table until `COPY`, so it needs limits that bound memory.
 */
import { randomBytes } from "node:crypto";
import { ConfigError } from "../errors.js";
import { shortenIdentifier } from "../schema/naming.js";

/** Rows per file before rotation. Large enough that Athena sees few, big files. */
export const DEFAULT_MAX_ROWS_PER_FILE = 5_000_000;
/**
 * Estimated in-memory bytes per file before rotation (24 MiB). The estimate counts DuckDB's
 * fixed-width slots plus string and blob lengths; DuckDB's real footprint is several times larger
 * (table blocks, the appender's buffer, then `COPY` buffering the row group beside the table).
 * 24 MiB keeps a flat load near 330 MB peak RSS however many rows it has (measured on 12 flat
 * columns: 1M and 3M rows, about 144k rows per file); 32 MiB peaked at 350–400 MB and 100 MiB
 * above 550 MB. Raise `file_max_bytes` for fewer, larger files when memory allows.
 */
export const DEFAULT_MAX_BYTES_PER_FILE = 24 * 1024 * 1024;
/** Rows per Parquet row group. Athena plans splits per row group; tiny groups slow scans. */
export const DEFAULT_ROW_GROUP_SIZE = 500_000;
/** The smallest row group size accepted (the dependency probe: tiny groups hurt Athena). */
export const MIN_ROW_GROUP_SIZE = 100_000;

export interface RotationLimits {
  readonly maxRowsPerFile: number;
  readonly maxBytesPerFile: number;
}

/**
 * Resolves rotation limits, refusing values that are not positive integers.
 *
 * @example
 * resolveRotationLimits({ maxRowsPerFile: 1000 }); // { maxRowsPerFile: 1000, maxBytesPerFile: 25165824 }
 */
export function resolveRotationLimits(limits: Partial<RotationLimits> = {}): RotationLimits {
  const maxRowsPerFile = limits.maxRowsPerFile ?? DEFAULT_MAX_ROWS_PER_FILE;
  const maxBytesPerFile = limits.maxBytesPerFile ?? DEFAULT_MAX_BYTES_PER_FILE;
  requirePositiveInteger("maxRowsPerFile", maxRowsPerFile, 1);
  requirePositiveInteger("maxBytesPerFile", maxBytesPerFile, 1);
  return { maxRowsPerFile, maxBytesPerFile };
}

/**
 * Refuses a setting that is not an integer ≥ `min`.
 *
 * @example
 * requirePositiveInteger("rowGroupSize", 50_000, MIN_ROW_GROUP_SIZE); // throws ConfigError
 */
export function requirePositiveInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(
      "invalid_writer_option",
      `Parquet writer option \`${name}\` must be an integer ≥ ${min}, got ${value}.`,
      { meta: { option: name, value } },
    );
  }
}

/** Whether a file holding `rows` rows and about `bytes` bytes is complete. */
export function isFileComplete(rows: number, bytes: number, limits: RotationLimits): boolean {
  return rows >= limits.maxRowsPerFile || bytes >= limits.maxBytesPerFile;
}

/**
 * dlt's `file_id`: 5 random bytes as 10 lowercase hex chars (spec §12.1).
 *
 * @example
 * newFileId(); // "3f9c01ab7e"
 */
export function newFileId(): string {
  return randomBytes(5).toString("hex");
}

/**
 * The longest table name a job file name carries as is. File systems allow 255 bytes per name and
 * tables may have 255 characters (Athena's limit): longer table names are shortened in the file
 * name only (dlt's shortening: head, hash tag, tail), and the job manifest keeps the real name.
 */
export const MAX_FILE_TABLE_NAME = 200;

/**
 * dlt's job file name `<table>.<file_id>.<retry_count>.<format>`, with retry count 0.
 *
 * @example
 * jobFileName("events", "3f9c01ab7e"); // "events.3f9c01ab7e.0.parquet"
 */
export function jobFileName(table: string, fileId: string, format = "parquet"): string {
  return `${shortenIdentifier(table, table, MAX_FILE_TABLE_NAME)}.${fileId}.0.${format}`;
}
