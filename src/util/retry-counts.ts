/**
 * Retries counted per service (`s3`, `athena`) for the load summary, `--json` and the trace. One
 * process-wide tally, kept on globalThis so a script that loaded its own copy of the package counts
 * into the same one; a pipeline run reads the difference between its start and its end.
 */
export type RetryService = "s3" | "athena";

const KEY = Symbol.for("dlt-athena.retry-counts");
const holder = globalThis as unknown as Record<symbol, Record<RetryService, number> | undefined>;
const tally = (): Record<RetryService, number> => (holder[KEY] ??= { s3: 0, athena: 0 });

/** Counts one retry (a request sent again after a retryable failure). */
export function countRetry(service: RetryService): void {
  tally()[service] += 1;
}

/**
 * The counts so far, to subtract from a later snapshot.
 *
 * @example const before = retryCounts(); …; retriesSince(before); // { s3: 3, athena: 0 }
 */
export function retryCounts(): Readonly<Record<RetryService, number>> {
  return { ...tally() };
}

/** Retries since `before`, per service. */
export function retriesSince(before: Readonly<Record<RetryService, number>>): Record<RetryService, number> {
  const now = tally();
  return { s3: now.s3 - before.s3, athena: now.athena - before.athena };
}
