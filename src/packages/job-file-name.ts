/**
 * dlt's job file names (spec §12.1): `<table>.<file_id>.<retry_count>.<format>`, e.g.
 * `events.3f9c01ab7e.0.parquet`. The job id leaves out the retry count, so a retried job keeps
 * its id while its file name changes.
 */

export interface JobFileName {
  readonly table: string;
  readonly fileId: string;
  readonly retryCount: number;
  /** `parquet`, `sql`, `jsonl`, optionally with `.gz`. */
  readonly format: string;
}

const JOB_FILE_NAME = /^(.+)\.([^.]+)\.(\d+)\.([a-z0-9]+(?:\.gz)?)$/;

/**
 * Splits a job file name into its parts, or returns `undefined` when it is not one.
 *
 * @example
 * parseJobFileName("events.3f9c01ab7e.0.parquet");
 * // { table: "events", fileId: "3f9c01ab7e", retryCount: 0, format: "parquet" }
 */
export function parseJobFileName(name: string): JobFileName | undefined {
  const match = JOB_FILE_NAME.exec(name);
  if (match === null) return undefined;
  const [, table = "", fileId = "", retryCount = "0", format = ""] = match;
  return { table, fileId, retryCount: Number(retryCount), format };
}

/**
 * The file name of a job.
 *
 * @example
 * formatJobFileName({ table: "events", fileId: "3f9c01ab7e", retryCount: 1, format: "parquet" });
 * // "events.3f9c01ab7e.1.parquet"
 */
export function formatJobFileName(job: JobFileName): string {
  return `${job.table}.${job.fileId}.${job.retryCount}.${job.format}`;
}

/**
 * dlt's job id: the file name without the retry count.
 *
 * @example
 * jobIdOf({ table: "events", fileId: "3f9c01ab7e", retryCount: 2, format: "parquet" });
 * // "events.3f9c01ab7e.parquet"
 */
export function jobIdOf(job: JobFileName): string {
  return `${job.table}.${job.fileId}.${job.format}`;
}
