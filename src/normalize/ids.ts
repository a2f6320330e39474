/**
 * Row keys (`_dlt_id`), as dlt makes them (`dlt/common/normalizers/utils.py`, `json/helpers.py`):
 * random for root rows, deterministic for nested rows, and a hash of the primary key for
 * `upsert` merges so the same record always gets the same key.
 */
import { createHash, randomBytes } from "node:crypto";

/** dlt's `DLT_ID_LENGTH_BYTES`: 10 bytes give 14 base64 characters. */
export const DLT_ID_LENGTH_BYTES = 10;
/** Base64 characters of 10 bytes once `=` padding is stripped. */
const DLT_ID_CHARS = 14;

/** Returns `n` random bytes; injectable so tests get fixed ids. */
export type RandomSource = (n: number) => Uint8Array;

// One `randomBytes` call per root row costs a syscall; draw from a pool refilled in bulk instead.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

const defaultRandom: RandomSource = (n) => {
  if (n > POOL_SIZE) {
    return randomBytes(n);
  }
  if (poolOffset + n > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return bytes;
};

function toId(bytes: Uint8Array): string {
  // Standard alphabet (`+` and `/` kept), padding stripped, as Python's b64encode(...).rstrip("=").
  // Stripping by length rather than by regex: this runs once per row.
  return stripPadding(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"));
}

function stripPadding(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* "=" */) end--;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * dlt's `digest128`: shake_128 of the UTF-8 text, `length` bytes, base64 without padding.
 *
 * @example
 * digest128("abc"); // 14 characters, always the same for "abc"
 */
export function digest128(text: string, length: number = DLT_ID_LENGTH_BYTES): string {
  // Encoded by the hash itself: no Buffer per digest (one digest per nested row).
  const options = length === DLT_ID_LENGTH_BYTES ? DLT_ID_HASH_OPTIONS : { outputLength: length };
  return stripPadding(createHash("shake128", options).update(text, "utf8").digest("base64"));
}

const DLT_ID_HASH_OPTIONS = { outputLength: DLT_ID_LENGTH_BYTES };

/**
 * A random `_dlt_id` for a root row.
 *
 * @example
 * generateDltId().length; // 14
 */
export function generateDltId(random: RandomSource = defaultRandom): string {
  if (random === defaultRandom) {
    // Encoded straight from the pool: no Buffer views per id (one id per root row).
    if (poolOffset + DLT_ID_LENGTH_BYTES > POOL_SIZE) {
      pool = randomBytes(POOL_SIZE);
      poolOffset = 0;
    }
    const start = poolOffset;
    poolOffset += DLT_ID_LENGTH_BYTES;
    return pool.toString("base64", start, poolOffset).slice(0, DLT_ID_CHARS);
  }
  return toId(random(DLT_ID_LENGTH_BYTES));
}

/**
 * The `_dlt_id` of a nested row: a digest of its parent's id, its table and its list position, so
 * re-normalizing the same document gives the same ids (upsert of nested tables relies on it).
 *
 * @example
 * childRowId("AbCdEfGhIjKlMn", "orders__items", 0); // digest128("AbCdEfGhIjKlMn_orders__items_0")
 */
export function childRowId(parentId: string, table: string, listIdx: number): string {
  return digest128(`${parentId}_${table}_${listIdx}`);
}

/**
 * The `_dlt_id` of a root row merged with `upsert`: a digest of the JSON (sorted keys, compact) of
 * its primary-key columns, like dlt's `get_row_hash(row, subset)`.
 *
 * @example
 * primaryKeyRowId({ id: 1, name: "a" }, ["id"]); // digest128('{"id":1}')
 */
export function primaryKeyRowId(row: Readonly<Record<string, unknown>>, primaryKey: readonly string[]): string {
  const subset: Record<string, unknown> = {};
  for (const key of [...primaryKey].sort()) {
    subset[key] = row[key] ?? null;
  }
  return digest128(JSON.stringify(subset, bigintAsNumber));
}

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}
