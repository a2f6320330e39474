/**
 * dlt's `snake_case` naming convention (`dlt/common/normalizers/naming/snake_case.py`): every table
 * and column name passes through here, so the names match what Python dlt would create.
 */
import { createHash } from "node:crypto";

import { LoadError } from "../errors.js";

/** Athena/Glue accept identifiers up to 255 characters. */
export const MAX_IDENTIFIER_LENGTH = 255;

/** Joins nested names: `address__city`, `orders__items`. */
export const PATH_SEPARATOR = "__";

const NON_ALPHANUMERIC = /[^a-zA-Z0-9_]+/g;
const SNAKE_CASE_BREAK_1 = /([^_])([A-Z][a-z]+)/g;
const SNAKE_CASE_BREAK_2 = /([a-z0-9])([A-Z])/g;
const LEADING_DIGIT = /^[0-9]/;
const UNDERSCORES = /_+/g;
const TRAILING_UNDERSCORES = /_+$/;
// dlt's `_TR_REDUCE_ALPHABET`: a few symbols keep a visible trace instead of becoming `_`.
const REDUCE_ALPHABET: Readonly<Record<string, string>> = {
  "+": "x",
  "-": "_",
  "*": "x",
  "@": "a",
  "|": "l",
};
const REDUCIBLE = /[+\-*@|]/g;

// Data keys repeat on every row; like dlt's `lru_cache`, remember recent results (bounded).
const CACHE_LIMIT = 10_000;
// Module state, kept: pure-function memo caches (bounded by CACHE_LIMIT), shared by every schema.
const pathCache = new Map<string, string>();
const identifierCache = new Map<string, string>();

/** Remembers a default-length result, forgetting everything when the cache is full. */
function remember(cache: Map<string, string>, key: string, value: string): string {
  if (cache.size >= CACHE_LIMIT) {
    cache.clear();
  }
  cache.set(key, value);
  return value;
}

/**
 * Normalizes one identifier (no path splitting) and shortens it to `maxLength`.
 *
 * @example
 * normalizeIdentifier("getHTTPResponseCode"); // "get_http_response_code"
 * normalizeIdentifier("1st_place"); // "_1st_place"
 * @throws LoadError `invalid_identifier` when the name is empty or blank.
 */
export function normalizeIdentifier(name: string, maxLength: number = MAX_IDENTIFIER_LENGTH): string {
  // Table names are normalized once per item; the regexes in `toSnakeCase` are the cost.
  const isDefaultLength = maxLength === MAX_IDENTIFIER_LENGTH;
  const cached = isDefaultLength ? identifierCache.get(name) : undefined;
  if (cached !== undefined) {
    return cached;
  }
  const stripped = name.trim();
  if (stripped === "") {
    throw new LoadError("invalid_identifier", "An identifier can't be empty or blank.", {
      meta: { identifier: name },
    });
  }
  const normalized = shortenIdentifier(toSnakeCase(stripped), stripped, maxLength);
  return isDefaultLength ? remember(identifierCache, name, normalized) : normalized;
}

/**
 * Normalizes a table name. Same rules as columns in `snake_case`; kept separate as dlt does.
 *
 * @example
 * normalizeTableIdentifier("OrderItems"); // "order_items"
 */
export function normalizeTableIdentifier(name: string, maxLength: number = MAX_IDENTIFIER_LENGTH): string {
  return normalizeIdentifier(name, maxLength);
}

/**
 * Splits a path on `__`, normalizes each non-blank part, joins them with `__` and shortens the
 * whole path.
 *
 * @example
 * normalizePath("__double__under"); // "double__under"
 * normalizePath("Address__ZipCode"); // "address__zip_code"
 */
export function normalizePath(path: string, maxLength: number = MAX_IDENTIFIER_LENGTH): string {
  if (maxLength === MAX_IDENTIFIER_LENGTH) {
    const cached = pathCache.get(path);
    if (cached !== undefined) {
      return cached;
    }
  }
  const parts = breakPath(path).map((part) => normalizeIdentifier(part, maxLength));
  if (parts.length === 0) {
    throw new LoadError("invalid_identifier", "An identifier can't be empty or blank.", {
      meta: { identifier: path },
    });
  }
  const normalized = shortenIdentifier(makePath(...parts), path, maxLength);
  return maxLength === MAX_IDENTIFIER_LENGTH ? remember(pathCache, path, normalized) : normalized;
}

/**
 * Joins already normalized fragments with `__` (blank fragments are skipped) and shortens the result.
 *
 * @example
 * shortenFragments("orders", "items"); // "orders__items"
 */
export function shortenFragments(...fragments: readonly string[]): string {
  const path = makePath(...fragments);
  return shortenIdentifier(path, path, MAX_IDENTIFIER_LENGTH);
}

/**
 * Joins identifiers with `__`, skipping blank ones; no normalization.
 *
 * @example
 * makePath("a", "", "b"); // "a__b"
 */
export function makePath(...identifiers: readonly string[]): string {
  return identifiers.filter((id) => id.trim() !== "").join(PATH_SEPARATOR);
}

/**
 * Splits a path on `__`, dropping blank parts.
 *
 * @example
 * breakPath("__a__b"); // ["a", "b"]
 */
export function breakPath(path: string): string[] {
  return path.split(PATH_SEPARATOR).filter((part) => part.trim() !== "");
}

/**
 * Shortens a normalized identifier longer than `maxLength`: keeps its head and tail and puts a
 * 6-character tag in the middle. The tag hashes the *original* identifier, so two long names that
 * normalize alike still get different tags.
 *
 * @example
 * shortenIdentifier("a".repeat(300), "a".repeat(300), 255).length; // 255
 */
export function shortenIdentifier(normalized: string, original: string, maxLength: number): string {
  if (maxLength <= 0 || normalized.length <= maxLength) {
    return normalized;
  }
  const tag = computeTag(original);
  const remaining = maxLength - tag.length;
  const head = normalized.slice(0, Math.floor(remaining / 2) + (remaining % 2));
  const tail = normalized.slice(normalized.length - Math.floor(remaining / 2));
  return head + tag + tail;
}

function toSnakeCase(identifier: string): string {
  let ident = identifier.replace(REDUCIBLE, (ch) => REDUCE_ALPHABET[ch] ?? "_");
  ident = ident.replace(NON_ALPHANUMERIC, "_");
  ident = ident.replace(SNAKE_CASE_BREAK_1, "$1_$2");
  ident = ident.replace(SNAKE_CASE_BREAK_2, "$1_$2").toLowerCase();
  if (LEADING_DIGIT.test(ident)) {
    ident = "_" + ident;
  }
  // Trailing underscores become `x` so a name never ends in the start of a path separator.
  const trailing = TRAILING_UNDERSCORES.exec(ident)?.[0].length ?? 0;
  if (trailing > 0) {
    ident = ident.slice(0, ident.length - trailing) + "x".repeat(trailing);
  }
  // A single `_` only, so `__` always means nesting.
  return ident.replace(UNDERSCORES, "_");
}

// dlt: 4 bytes of shake_128 for a 0.1% collision chance, base64 without padding, `/+` -> `ab`,
// lower-cased because destinations fold case.
function computeTag(identifier: string): string {
  const digest = createHash("shake128", { outputLength: 4 }).update(identifier, "utf8").digest("base64");
  return digest.replace(/=+$/, "").replace(/\//g, "a").replace(/\+/g, "b").toLowerCase();
}
