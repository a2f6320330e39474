/**
 * A test hook for crash tests: `DLT_ATHENA_KILL_AT=<point>[#<n>]` makes the process SIGKILL itself
 * the n-th time (default the first) it reaches the named point, e.g. `step:insertFromStaging`
 * (after the statements of an insert committed, before the journal records it). Unset, it costs
 * one environment lookup. Points are listed where {@link killPoint} is called.
 */
// Module state, kept: the crash-test hook counts how often each point was reached in this process.
const counts = new Map<string, number>();

/**
 * Dies here (SIGKILL, no clean-up) when `DLT_ATHENA_KILL_AT` names this point.
 *
 * @example killPoint("extract:normalized");
 */
export function killPoint(point: string): void {
  const wanted = process.env["DLT_ATHENA_KILL_AT"];
  if (wanted === undefined || wanted === "") return;
  const [name, nth] = wanted.split("#");
  if (name !== point) return;
  const seen = (counts.get(point) ?? 0) + 1;
  counts.set(point, seen);
  if (seen === Number(nth ?? 1)) process.kill(process.pid, "SIGKILL");
}
