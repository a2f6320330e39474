/**
 * dlt's relational normalizer (`dlt/common/normalizers/json/relational.py`) as a streaming
 * generator: one item in, its table rows out, parents before children. Nested objects flatten into
 * `parent__child` columns, lists become nested tables linked by `_dlt_parent_id`/`_dlt_list_idx`.
 *
 * Protocol: after a row is yielded, `gen.next(false)` skips that row's nested lists (used when the
 * schema contract discarded the row, as dlt's `should_descend`).
 */
import { C_DLT_ID, C_DLT_LIST_IDX, C_DLT_LOAD_ID, C_DLT_PARENT_ID, C_DLT_ROOT_ID } from "../schema/dlt-tables.js";
import { normalizePath, shortenFragments } from "../schema/naming.js";
import type { Schema } from "../schema/schema.js";
import { childRowId, generateDltId, primaryKeyRowId, type RandomSource } from "./ids.js";

/** dlt's default `max_table_nesting`. */
export const DEFAULT_MAX_TABLE_NESTING = 1000;

/** dlt's `EMPTY_KEY_IDENTIFIER`: the column name for empty or blank keys. */
export const EMPTY_KEY_IDENTIFIER = "_empty";

export type Row = Record<string, unknown>;

/** `[table, row, parent table]`; values are raw, `Schema.coerceRow` types them. */
export type NormalizedRow = readonly [table: string, row: Row, parent: string | undefined];

export interface NormalizeContext {
  readonly loadId: string;
  /** The root table name as given by the resource; normalized here. */
  readonly tableName: string;
  /** Depth beyond which dicts and lists stay whole as `json` values. Default 1000. */
  readonly maxTableNesting?: number;
  /** Add `_dlt_root_id` (the root row's `_dlt_id`) to every nested row. */
  readonly propagateRootKey?: boolean;
  /** When set (upsert merge), the root `_dlt_id` is a hash of these (normalized) columns. */
  readonly primaryKey?: readonly string[];
  /** Columns typed or hinted `json` are never flattened. */
  readonly isJsonColumn?: (table: string, column: string) => boolean;
  /** Random bytes for root `_dlt_id`s; inject for deterministic tests. */
  readonly random?: RandomSource;
}

type ListsToVisit = Map<string, readonly [path: readonly string[], items: readonly unknown[]]>;

interface Frame {
  readonly ctx: NormalizeContext;
  readonly maxNesting: number;
}

/**
 * Normalizes one extracted item into table rows.
 *
 * @example
 * const ctx = { loadId: "1714392000.1", tableName: "orders" };
 * for (const [table, row] of normalizeItem({ id: 1, items: [{ sku: "a" }] }, ctx)) {
 *   // ["orders", { id: 1, _dlt_load_id, _dlt_id }], then ["orders__items", { sku: "a", _dlt_parent_id, _dlt_list_idx: 0, _dlt_id }]
 * }
 */
export function* normalizeItem(
  item: unknown,
  ctx: NormalizeContext,
): Generator<NormalizedRow, void, boolean | undefined> {
  const frame: Frame = { ctx, maxNesting: ctx.maxTableNesting ?? DEFAULT_MAX_TABLE_NESTING };
  const root = isDict(item) ? item : { value: item };
  yield* normalizeRow(frame, root, {}, [normalizePath(ctx.tableName)], [], undefined, undefined, 0);
}

function* normalizeRow(
  frame: Frame,
  dictRow: Readonly<Row>,
  extend: Readonly<Row>,
  identPath: readonly string[],
  parentPath: readonly string[],
  parentRowId: string | undefined,
  pos: number | undefined,
  level: number,
): Generator<NormalizedRow, void, boolean | undefined> {
  const table = shortenFragments(...parentPath, ...identPath);
  const { row, lists } = flatten(frame, table, dictRow, level);
  const isRoot = parentRowId === undefined;
  if (isRoot) {
    row[C_DLT_LOAD_ID] = frame.ctx.loadId;
  }
  Object.assign(row, extend);
  let rowId = row[C_DLT_ID];
  if (typeof rowId !== "string" || rowId === "") {
    rowId = isRoot ? rootRowId(frame.ctx, row) : linkRow(row, parentRowId, table, pos ?? 0);
    row[C_DLT_ID] = rowId;
  }
  const childExtend = isRoot && frame.ctx.propagateRootKey === true ? { ...extend, [C_DLT_ROOT_ID]: rowId } : extend;
  const parentTable = parentPath.length > 0 ? shortenFragments(...parentPath) : undefined;
  const shouldDescend = yield [table, row, parentTable];
  if (shouldDescend === false) {
    return;
  }
  for (const [listPath, items] of lists.values()) {
    yield* normalizeList(frame, items, childExtend, listPath, [...parentPath, ...identPath], rowId as string, level + 1);
  }
}

function* normalizeList(
  frame: Frame,
  items: readonly unknown[],
  extend: Readonly<Row>,
  identPath: readonly string[],
  parentPath: readonly string[],
  parentRowId: string,
  level: number,
): Generator<NormalizedRow, void, boolean | undefined> {
  const table = shortenFragments(...parentPath, ...identPath);
  const parentTable = shortenFragments(...parentPath);
  for (let idx = 0; idx < items.length; idx++) {
    const value = items[idx];
    if (isDict(value)) {
      yield* normalizeRow(frame, value, extend, identPath, parentPath, parentRowId, idx, level);
    } else if (Array.isArray(value)) {
      // A list of lists gets an intermediate row per inner list, whose `list` field nests again.
      yield* normalizeRow(frame, { list: value }, extend, identPath, parentPath, parentRowId, idx, level + 1);
    } else {
      const row: Row = { value, ...extend };
      linkRow(row, parentRowId, table, idx);
      row[C_DLT_ID] = childRowId(parentRowId, table, idx);
      yield [table, row, parentTable];
    }
  }
}

function flatten(frame: Frame, table: string, dictRow: Readonly<Row>, level: number): { row: Row; lists: ListsToVisit } {
  const row: Row = {};
  const lists: ListsToVisit = new Map();
  const visit = (dict: Readonly<Row>, lvl: number, path: readonly string[]): void => {
    for (const key of Object.keys(dict)) {
      const value = dict[key];
      const normKey = key.trim() === "" ? EMPTY_KEY_IDENTIFIER : normalizePath(key);
      const column = path.length === 0 ? normKey : shortenFragments(...path, normKey);
      const isList = Array.isArray(value);
      if ((isList || isDict(value)) && !isKeptWhole(frame, table, column, lvl)) {
        if (isList) {
          lists.set(column, [[...path, normKey], value]);
        } else {
          visit(value as Row, lvl + 1, [...path, normKey]);
        }
        continue;
      }
      row[column] = value;
    }
  };
  visit(dictRow, level, []);
  return { row, lists };
}

function isKeptWhole(frame: Frame, table: string, column: string, level: number): boolean {
  return level >= frame.maxNesting || (frame.ctx.isJsonColumn?.(table, column) ?? false);
}

function rootRowId(ctx: NormalizeContext, row: Readonly<Row>): string {
  const pk = ctx.primaryKey;
  return pk !== undefined && pk.length > 0 ? primaryKeyRowId(row, pk) : generateDltId(ctx.random);
}

function linkRow(row: Row, parentRowId: string | undefined, table: string, idx: number): string {
  const parentId = parentRowId ?? "";
  row[C_DLT_PARENT_ID] = parentId;
  row[C_DLT_LIST_IDX] = idx;
  return childRowId(parentId, table, idx);
}

/** A JSON object (not an array, date or byte array): dlt's `dict`. */
function isDict(value: unknown): value is Row {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

/**
 * The normalizer settings a schema implies for a root table: nesting depth, root-key propagation
 * (merge, or explicit), upsert row keys and `json` columns.
 *
 * @example
 * const ctx = normalizeContextFor(schema, "orders", loadId);
 * for (const [table, row, parent] of normalizeItem(item, ctx)) schema.coerceRow(table, row, { parent });
 */
export function normalizeContextFor(
  schema: Schema,
  tableName: string,
  loadId: string,
  options: Pick<NormalizeContext, "random" | "maxTableNesting"> = {},
): NormalizeContext {
  const name = normalizePath(tableName);
  const root = schema.getTable(name);
  const chain = schema.tablesChain(name);
  const isMerge = schema.writeDispositionOf(name) === "merge";
  const propagateRootKey =
    (root?.rootKeyPropagation ?? isMerge) || chain.some((t) => Object.values(t.columns).some((c) => c.rootKey === true));
  const primaryKey = schema.mergeStrategyOf(name) === "upsert" ? schema.primaryKeyOf(name) : undefined;
  return {
    loadId,
    tableName: name,
    maxTableNesting: options.maxTableNesting ?? root?.maxTableNesting,
    propagateRootKey,
    primaryKey,
    isJsonColumn: (table, column) => schema.isJsonColumn(table, column),
    random: options.random,
  };
}
