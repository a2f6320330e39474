/**
 * SIGINT and SIGTERM stop a run at its next safe point: between extract batches, before a load
 * step starts, between packages. The CLI records the signal here; the pipeline and the executor
 * ask {@link throwIfInterrupted} where stopping leaves everything resumable.
 */
import { InterruptedError } from "../errors.js";

type Signal = "SIGINT" | "SIGTERM";

// Kept on globalThis so a script that loaded its own copy of the package sees the CLI's signal.
const KEY = Symbol.for("dlt-athena.interrupt");
const holder = globalThis as unknown as Record<symbol, { signal?: Signal } | undefined>;
const slot = (): { signal?: Signal } => (holder[KEY] ??= {});

/** Records that the run should stop at its next safe point. */
export function requestInterrupt(signal: Signal): void {
  slot().signal ??= signal;
}

/** The signal received, if any. */
export function interruptSignal(): Signal | undefined {
  return slot().signal;
}

/** Forgets a recorded signal (tests, and a CLI reused in one process). */
export function clearInterrupt(): void {
  delete slot().signal;
}

/**
 * Throws {@link InterruptedError} when a signal was received.
 *
 * @example throwIfInterrupted("before load step 2.0.insertFromStaging");
 */
export function throwIfInterrupted(where: string): void {
  const signal = slot().signal;
  if (signal !== undefined) throw new InterruptedError(signal, where);
}
