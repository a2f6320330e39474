/**
 * dlt's `load_id`: `str(time.time())`, a unix time in seconds as a decimal string such as
 * `1714392000.1234567` (spec §12.1). Packages are loaded in load id order and the highest
 * committed load id wins on state restore, so ids must increase strictly, even when the clock
 * stalls or steps back.
 */

/** Returns the current time in epoch milliseconds, fractions allowed. */
export type Clock = () => number;

/** Sub-millisecond wall clock: `performance.now()` is monotonic and finer than `Date.now()`. */
export const systemClock: Clock = () => performance.timeOrigin + performance.now();

/** Python prints at most 7 decimals for a current unix time; ids count in those 100 ns ticks. */
const TICKS_PER_SECOND = 10_000_000n;
const TICKS_PER_MS = 10_000;

/** Generates strictly increasing load ids from a clock. */
export type LoadIdGenerator = () => string;

/**
 * A load id generator with its own memory of the last id, for tests with a fixed clock.
 *
 * @example
 * const next = createLoadIdGenerator(() => 1714392000123.4567);
 * next(); // "1714392000.1234567"
 * next(); // "1714392000.1234568" (the clock did not move; the id still increases)
 */
export function createLoadIdGenerator(clock: Clock = systemClock): LoadIdGenerator {
  let last = -1n;
  return () => {
    let ticks = ticksOf(clock());
    if (ticks <= last) ticks = last + 1n;
    last = ticks;
    return formatTicks(ticks);
  };
}

// Module state, kept: load ids must increase across every pipeline of the process, whatever the clock.
let processLast = -1n;

/**
 * A new load id, strictly greater than every id this process made before (whatever the clock).
 *
 * @example
 * newLoadId(); // "1714392000.1234567"
 */
export function newLoadId(clock: Clock = systemClock): string {
  let ticks = ticksOf(clock());
  if (ticks <= processLast) ticks = processLast + 1n;
  processLast = ticks;
  return formatTicks(ticks);
}

/**
 * Orders load ids numerically (they are decimal strings, so `"9.5" < "10.1"` as numbers).
 *
 * @example
 * ["1714392001.5", "1714392000.25"].sort(compareLoadIds); // ["1714392000.25", "1714392001.5"]
 */
export function compareLoadIds(a: string, b: string): number {
  const [wholeA = "0", fracA = ""] = a.split(".");
  const [wholeB = "0", fracB = ""] = b.split(".");
  const wholeOrder = compareBigInts(BigInt(wholeA), BigInt(wholeB));
  if (wholeOrder !== 0) return wholeOrder;
  const width = Math.max(fracA.length, fracB.length);
  return compareBigInts(BigInt(fracA.padEnd(width, "0") || "0"), BigInt(fracB.padEnd(width, "0") || "0"));
}

/** Whether `text` has the shape of a load id: digits, optionally a point and more digits. */
export function isLoadId(text: string): boolean {
  return /^\d+(\.\d+)?$/.test(text);
}

function compareBigInts(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ticksOf(epochMs: number): bigint {
  // Split before scaling: epoch ms × 10^4 exceeds 2^53, where doubles lose whole ticks.
  const wholeMs = Math.floor(epochMs);
  const fractionTicks = Math.floor((epochMs - wholeMs) * TICKS_PER_MS);
  return BigInt(wholeMs) * BigInt(TICKS_PER_MS) + BigInt(fractionTicks);
}

/** Like Python's `str(float)`: trailing zeros dropped, but at least one decimal (`"1714392000.0"`). */
function formatTicks(ticks: bigint): string {
  const seconds = ticks / TICKS_PER_SECOND;
  const fraction = (ticks % TICKS_PER_SECOND).toString().padStart(7, "0").replace(/0+$/, "");
  return `${seconds}.${fraction === "" ? "0" : fraction}`;
}

