import { createHash } from "node:crypto";
import { LoadError } from "../errors.js";

export type LastValueFunc = "max" | "min" | ((values: readonly unknown[]) => unknown);

export interface IncrementalOptions<T = unknown> {
  /** The cursor value of the first run, before anything was loaded. */
  readonly initialValue?: T;
  /** How the newest value is chosen: `"max"` (default), `"min"`, or a function over values. */
  readonly lastValueFunc?: LastValueFunc;
  /** Columns identifying an item, for deduplication at the boundary; default the resource's primary key, else the whole item. */
  readonly primaryKey?: string | readonly string[];
  /** Load the closed-open range [initialValue, endValue) without reading or writing state. */
  readonly endValue?: T;
}

/** What is kept in the pipeline state for one cursor (dlt's layout). */
export interface IncrementalState {
  initial_value?: unknown;
  last_value?: unknown;
  unique_hashes: string[];
}

/**
 * A cursor over a field of the items: items at or before the last loaded value are dropped,
 * items sitting exactly at it are dropped only if they were loaded before.
 *
 * @example
 * resource(fetchIssues, { name: "issues", incremental: incremental("updated_at", { initialValue: "2024-01-01T00:00:00Z" }) })
 */
export class Incremental<T = unknown> {
  readonly cursorPath: string;
  readonly options: IncrementalOptions<T>;
  private run: { start: unknown; seenAtStart: Set<string>; hasLegacyHashes: boolean; state: IncrementalState } | undefined;
  /** The resource's primary key, used for de-duplication when the cursor has none of its own. */
  private fallbackKey: string | readonly string[] | undefined;

  constructor(cursorPath: string, options: IncrementalOptions<T> = {}) {
    this.cursorPath = cursorPath;
    this.options = options;
  }

  /** The newest value loaded so far, else the initial value. The resource asks its API for newer data. */
  get lastValue(): T | undefined {
    return fromStateValue(this.run?.state.last_value ?? this.options.initialValue) as T | undefined;
  }

  /** The value this run started from: items before it are dropped. */
  get startValue(): T | undefined {
    return (this.run ? this.run.start : this.options.initialValue) as T | undefined;
  }

  /** True with `endValue`: the run loads a fixed range and leaves the state alone. */
  get isStateless(): boolean {
    return this.options.endValue !== undefined;
  }

  /**
   * Binds the cursor to its state for a run; the returned object is updated as items pass.
   * `resourcePrimaryKey` identifies items at the boundary when the cursor has no `primaryKey`.
   */
  bind(state: IncrementalState | undefined, resourcePrimaryKey?: string | readonly string[]): IncrementalState {
    this.fallbackKey = resourcePrimaryKey;
    const bound: IncrementalState = state
      ? { ...state, unique_hashes: [...(state.unique_hashes ?? [])] }
      : {
          initial_value: toStateValue(this.options.initialValue),
          last_value: toStateValue(this.options.initialValue),
          unique_hashes: [],
        };
    if (this.isStateless) {
      bound.last_value = toStateValue(this.options.initialValue);
      bound.unique_hashes = [];
    }
    // The state holds dlt's typed JSON; the run compares restored values (Date, bigint).
    this.run = {
      start: fromStateValue(bound.last_value),
      seenAtStart: new Set(bound.unique_hashes),
      hasLegacyHashes: bound.unique_hashes.some((h) => h.length === LEGACY_HASH_LENGTH),
      state: bound,
    };
    return bound;
  }

  /**
   * Keeps the items of a page that are new and advances the cursor over them. Items are compared
   * with the value the run started from, so items arriving out of order are not lost.
   */
  filter<I>(items: readonly I[], resourceName: string): I[] {
    if (!this.run) this.bind(undefined);
    const run = this.run!;
    const kept: I[] = [];
    for (const item of items) {
      const value = readCursor(item, this.cursorPath, resourceName);
      if (run.start !== undefined && this.compare(value, run.start) < 0) continue;
      if (this.options.endValue !== undefined && this.compare(value, this.options.endValue) >= 0) continue;
      const hash = this.hashOf(item);
      const atStart = run.start !== undefined && this.compare(value, run.start) === 0;
      if (atStart && (run.seenAtStart.has(hash) || (run.hasLegacyHashes && run.seenAtStart.has(this.legacyHashOf(item))))) continue;
      if (atStart) run.seenAtStart.add(hash);
      kept.push(item);
      if (this.isStateless) continue;
      const state = run.state;
      const order = state.last_value === undefined ? 1 : this.compare(value, state.last_value);
      if (order > 0) {
        state.last_value = toStateValue(value);
        state.unique_hashes = [hash];
      } else if (order === 0 && !state.unique_hashes.includes(hash)) {
        state.unique_hashes.push(hash);
      }
    }
    return kept;
  }

  /** > 0 when `a` is newer than `b` under the last-value function. */
  private compare(a: unknown, b: unknown): number {
    const func = this.options.lastValueFunc ?? "max";
    if (typeof func === "function") {
      if (compareValues(a, b) === 0) return 0;
      return func([a, b]) === a ? 1 : -1;
    }
    const order = compareValues(a, b);
    return func === "max" ? order : -order;
  }

  /** The key columns of the boundary de-duplication, or undefined for the whole item. */
  private keyColumns(): string | readonly string[] | undefined {
    const own = this.options.primaryKey;
    // An empty key list turns de-duplication by key off: the whole item identifies it.
    return own !== undefined ? (own.length === 0 ? undefined : own) : this.fallbackKey;
  }

  /**
   * dlt's de-duplication hash (`digest_dedup_value`): shake-128, 9 bytes, base64 without padding,
   * of the compact JSON (sorted keys, instants as epoch microseconds) of the key value (one key),
   * the list of key values, or the whole item. The same hashes as dlt, so either tool continues
   * the other's state at the boundary.
   */
  private hashOf(item: unknown): string {
    const key = this.keyColumns();
    const row = item as Record<string, unknown>;
    const keyed = key === undefined ? item : typeof key === "string" ? row?.[key] : key.map((column) => row?.[column]);
    return createHash("shake128", { outputLength: 9 }).update(dedupJson(keyed)).digest("base64").replace(/=+$/, "");
  }

  /** The hash earlier versions kept (22 characters), still matched when a state holds one. */
  private legacyHashOf(item: unknown): string {
    const key = this.keyColumns();
    const keyed =
      key === undefined
        ? item
        : (typeof key === "string" ? [key] : key).map((column) => (item as Record<string, unknown>)?.[column]);
    return createHash("sha256").update(stableJson(keyed)).digest("base64").slice(0, 22);
  }
}

const LEGACY_HASH_LENGTH = 22;

/** Compact JSON as dlt hashes it: sorted keys, bigints as numbers, Dates as epoch microseconds. */
function dedupJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return (BigInt(value.getTime()) * 1000n).toString();
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString("base64"));
  if (Array.isArray(value)) return `[${value.map(dedupJson).join(",")}]`;
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${dedupJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Declares an incremental cursor for a resource.
 *
 * @example incremental("updated_at", { initialValue: "2024-01-01", primaryKey: "id" })
 */
export function incremental<T = unknown>(cursorPath: string, options: IncrementalOptions<T> = {}): Incremental<T> {
  return new Incremental(cursorPath, options);
}

function readCursor(item: unknown, path: string, resourceName: string): unknown {
  let node: unknown = item;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object") {
      node = undefined;
      break;
    }
    node = (node as Record<string, unknown>)[part];
  }
  if (node === undefined || node === null) {
    throw new LoadError(
      "cursor_value_missing",
      `Resource "${resourceName}": an item has no value at the incremental cursor path "${path}". Make sure every item carries it, or choose another cursor path.`,
      { meta: { resource: resourceName, cursorPath: path } },
    );
  }
  return node;
}

// dlt's typed JSON (`custom_pua_encode`): a private-use character before the text marks its type.
const PUA_DECIMAL = "\uf026";
const PUA_DATETIME = "\uf027";

/**
 * A cursor value as the state keeps it, the way dlt writes it: a Date as dlt's typed datetime
 * text (so it comes back a Date, in dlt too), a bigint as dlt's typed decimal text (exact, and it
 * comes back a bigint; a JSON number would come back a number).
 *
 * @example
 * toStateValue(new Date("2024-01-01T00:00:00Z")); // "\uf0272024-01-01T00:00:00+00:00"
 */
export function toStateValue(value: unknown): unknown {
  if (value instanceof Date) {
    const ms = value.getUTCMilliseconds();
    const fraction = ms === 0 ? "" : `.${String(ms).padStart(3, "0")}000`;
    return `${PUA_DATETIME}${value.toISOString().slice(0, 19)}${fraction}+00:00`;
  }
  if (typeof value === "bigint") return `${PUA_DECIMAL}${value.toString()}`;
  return value;
}

/**
 * A value read from the state: dlt's typed datetime text becomes a Date, typed integral decimals a
 * bigint; anything else is returned as it is.
 *
 * @example
 * fromStateValue("\uf0272024-01-01T00:00:00+00:00"); // Date 2024-01-01T00:00:00.000Z
 */
export function fromStateValue(value: unknown): unknown {
  if (typeof value !== "string" || value.length < 2) return value;
  const marker = value[0];
  if (marker === PUA_DATETIME) {
    const date = new Date(value.slice(1));
    return Number.isNaN(date.getTime()) ? value : date;
  }
  if (marker === PUA_DECIMAL && /^-?\d+$/.test(value.slice(1))) return BigInt(value.slice(1));
  return value;
}

/** Orders two cursor values, also when one was restored from JSON state (Date → text, bigint → text). */
export function compareValues(left: unknown, right: unknown): number {
  const a = fromStateValue(left);
  const b = fromStateValue(right);
  const order = (x: number | bigint | string, y: number | bigint | string) => (x < y ? -1 : x > y ? 1 : 0);
  if (a instanceof Date || b instanceof Date) return order(toMillis(a), toMillis(b));
  if (typeof a === "bigint" || typeof b === "bigint") {
    const [x, y] = [toBigInt(a), toBigInt(b)];
    if (x !== undefined && y !== undefined) return order(x, y);
  }
  if (typeof a === "number" && typeof b === "number") return order(a, b);
  if (typeof a === "string" && typeof b === "string") return order(a, b);
  return order(stableJson(a), stableJson(b));
}

function toMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string") return Date.parse(value);
  return Number(value);
}

function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
