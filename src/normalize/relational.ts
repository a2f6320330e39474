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
  /** Told of keys of one row that normalized onto the same column (`[column, key]`, the later key). */
  readonly onCollision?: (table: string, collisions: ReadonlyArray<readonly [string, string]>) => void;
}

type ListsToVisit = Map<string, readonly [path: readonly string[], items: readonly unknown[]]>;

export interface Frame {
  readonly ctx: NormalizeContext;
  readonly maxNesting: number;
}

/** Where a row goes: its table, its parent table and the path its nested lists extend. */
export interface Place {
  readonly table: string;
  readonly parentTable: string | undefined;
  /** The table's unshortened path fragments (dlt's `parent_path + ident_path`). */
  readonly path: readonly string[];
  /** Places of the nested lists met so far, by list column: built once, not once per row. */
  readonly children?: Map<string, Place>;
}

/** A flattened row, its `_dlt_id` and the nested lists still to visit (none for flat rows). */
export interface BuiltRow {
  readonly row: Row;
  readonly rowId: string;
  readonly lists: ListsToVisit | undefined;
}

/**
 * An item's root row, built without a generator (most items have no nested lists); pass it to
 * {@link normalizeNested} for the rest, unless the row was discarded.
 */
export interface RootRow {
  readonly table: string;
  readonly row: Row;
  /** Whether the item has nested lists, i.e. {@link normalizeNested} would yield rows. */
  readonly hasNested: boolean;
  readonly frame: Frame;
  readonly place: Place;
  readonly built: BuiltRow;
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
  const root = normalizeRoot(item, ctx);
  const shouldDescend = yield [root.table, root.row, undefined];
  if (shouldDescend !== false) {
    yield* normalizeNested(root);
  }
}

/**
 * The root row of an item (same as the first row of {@link normalizeItem}).
 *
 * @example
 * const root = normalizeRoot({ id: 1, items: [{ sku: "a" }] }, ctx);
 * if (isKept(root.row) && root.hasNested) for (const [table, row] of normalizeNested(root)) ...
 */
export function normalizeRoot(item: unknown, ctx: NormalizeContext): RootRow {
  const { frame, place } = rootOf(ctx);
  const dict = isDict(item) ? item : { value: item };
  const built = buildRow(frame, dict, NO_EXTEND, place, undefined, 0, 0);
  return { table: place.table, row: built.row, hasNested: built.lists !== undefined, frame, place, built };
}

/** Frame and place of a context's root rows: the same for every item, so built once per context. */
const rootsByContext = new WeakMap<NormalizeContext, { readonly frame: Frame; readonly place: Place }>();

function rootOf(ctx: NormalizeContext): { readonly frame: Frame; readonly place: Place } {
  let root = rootsByContext.get(ctx);
  if (root === undefined) {
    const frame: Frame = { ctx, maxNesting: ctx.maxTableNesting ?? DEFAULT_MAX_TABLE_NESTING };
    const name = normalizePath(ctx.tableName);
    const place: Place = { table: shortenFragments(name), parentTable: undefined, path: [name], children: new Map() };
    root = { frame, place };
    rootsByContext.set(ctx, root);
  }
  return root;
}

/** The nested rows of a kept root row, parents before children; same protocol as {@link normalizeItem}. */
export function* normalizeNested(root: RootRow): Generator<NormalizedRow, void, boolean | undefined> {
  if (root.built.lists === undefined) {
    return;
  }
  const childExtend = root.frame.ctx.propagateRootKey === true ? { [C_DLT_ROOT_ID]: root.built.rowId } : NO_EXTEND;
  yield* normalizeLists(root.frame, root.built, childExtend, root.place, 1);
}

/** The columns every row of a nested table inherits (empty unless root keys propagate). */
const NO_EXTEND: Readonly<Row> = Object.freeze({});

/** A nested row of `place.table`, then its own nested lists. */
function* normalizeRow(
  frame: Frame,
  dictRow: Readonly<Row>,
  extend: Readonly<Row>,
  place: Place,
  parentRowId: string,
  pos: number,
  level: number,
): Generator<NormalizedRow, void, boolean | undefined> {
  const built = buildRow(frame, dictRow, extend, place, parentRowId, pos, level);
  const shouldDescend = yield [place.table, built.row, place.parentTable];
  if (shouldDescend === false || built.lists === undefined) {
    return;
  }
  yield* normalizeLists(frame, built, extend, place, level + 1);
}

function* normalizeLists(
  frame: Frame,
  built: BuiltRow,
  extend: Readonly<Row>,
  place: Place,
  level: number,
): Generator<NormalizedRow, void, boolean | undefined> {
  for (const [column, [listPath, items]] of built.lists ?? []) {
    yield* normalizeList(frame, items, extend, listPlaceOf(place, column, listPath), built.rowId, level);
  }
}

/** The place of the list `column` (at `listPath`) of rows at `place`. */
function listPlaceOf(place: Place, column: string, listPath: readonly string[]): Place {
  let listPlace = place.children?.get(column);
  if (listPlace === undefined) {
    const path = [...place.path, ...listPath];
    listPlace = { table: shortenFragments(...path), parentTable: place.table, path, children: new Map() };
    place.children?.set(column, listPlace);
  }
  return listPlace;
}

/**
 * Flattens `dictRow` and adds dlt's columns: `_dlt_load_id` on root rows (no `parentRowId`),
 * then the inherited `extend` columns, then `_dlt_id` (kept when the item brings one), with
 * `_dlt_parent_id`/`_dlt_list_idx` before it on nested rows.
 */
function buildRow(
  frame: Frame,
  dictRow: Readonly<Row>,
  extend: Readonly<Row>,
  place: Place,
  parentRowId: string | undefined,
  pos: number,
  level: number,
): BuiltRow {
  const flat: Flattened = { row: {}, lists: undefined };
  flattenInto(frame, place.table, flat, dictRow, level, undefined);
  if (flat.collisions !== undefined) frame.ctx.onCollision?.(place.table, flat.collisions);
  const row = flat.row;
  const isRoot = parentRowId === undefined;
  if (isRoot) {
    row[C_DLT_LOAD_ID] = frame.ctx.loadId;
  }
  if (extend !== NO_EXTEND) {
    Object.assign(row, extend);
  }
  let rowId = row[C_DLT_ID];
  if (typeof rowId !== "string" || rowId === "") {
    rowId = isRoot ? rootRowId(frame.ctx, row) : linkRow(row, parentRowId, place.table, pos);
    row[C_DLT_ID] = rowId;
  }
  return { row, rowId: rowId as string, lists: flat.lists };
}

function* normalizeList(
  frame: Frame,
  items: readonly unknown[],
  extend: Readonly<Row>,
  place: Place,
  parentRowId: string,
  level: number,
): Generator<NormalizedRow, void, boolean | undefined> {
  const table = place.table;
  for (let idx = 0; idx < items.length; idx++) {
    const value = items[idx];
    if (isDict(value)) {
      // `normalizeRow` inlined: most nested rows have no lists, and a generator per row is costly.
      const built = buildRow(frame, value, extend, place, parentRowId, idx, level);
      const shouldDescend = yield [table, built.row, place.parentTable];
      if (shouldDescend !== false && built.lists !== undefined) {
        yield* normalizeLists(frame, built, extend, place, level + 1);
      }
    } else if (Array.isArray(value)) {
      // A list of lists gets an intermediate row per inner list, whose `list` field nests again.
      yield* normalizeRow(frame, { list: value }, extend, place, parentRowId, idx, level + 1);
    } else {
      const row: Row = { value, ...extend };
      linkRow(row, parentRowId, table, idx);
      row[C_DLT_ID] = childRowId(parentRowId, table, idx);
      yield [table, row, place.parentTable];
    }
  }
}

interface Flattened {
  readonly row: Row;
  lists: ListsToVisit | undefined;
  /** `[column, key]` pairs where a key normalized onto a column that already had a value. */
  collisions?: Array<readonly [string, string]>;
}

/**
 * Copies `dict` into `out.row`, nested dicts as `a__b` columns; lists are set aside in `out.lists`.
 * Like dlt's `_flatten`, a dict's own values come first and its nested dicts after them, taken
 * from a stack (last met, first flattened): `{a: {b: 1}, c: 2}` gives `c, a__b`.
 */
function flattenInto(
  frame: Frame,
  table: string,
  out: Flattened,
  dict: Readonly<Row>,
  level: number,
  path: readonly string[] | undefined,
): void {
  // Allocated only when a nested dict is met (most rows are flat).
  let stack: Array<readonly [Readonly<Row>, number, readonly string[]]> | undefined;
  let current = dict;
  let currentLevel = level;
  let currentPath = path;
  for (;;) {
    for (const key of Object.keys(current)) {
      const value = current[key];
      const normKey = key.trim() === "" ? EMPTY_KEY_IDENTIFIER : normalizePath(key);
      const column = currentPath === undefined ? normKey : shortenFragments(...currentPath, normKey);
      const isList = Array.isArray(value);
      if ((isList || isDict(value)) && !isKeptWhole(frame, table, column, currentLevel)) {
        const childPath = currentPath === undefined ? [normKey] : [...currentPath, normKey];
        if (isList) {
          (out.lists ??= new Map()).set(column, [childPath, value]);
        } else {
          (stack ??= []).push([value as Row, currentLevel + 1, childPath]);
        }
        continue;
      }
      setColumn(out, column, key, value);
    }
    const next = stack?.pop();
    if (next === undefined) return;
    [current, currentLevel, currentPath] = next;
  }
}

/**
 * Sets a column of the flattened row. Keys that normalize to the same column (`userName`,
 * `user_name`) collapse into one, the last value winning as in dlt; the collision is recorded in
 * `out.collisions` (read by the extractor, which warns), so no value is dropped silently.
 */
function setColumn(out: Flattened, column: string, key: string, value: unknown): void {
  const row = out.row;
  const previous = row[column];
  if (previous !== undefined && previous !== null && value !== null && value !== undefined) {
    (out.collisions ??= []).push([column, key]);
  }
  row[column] = value;
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
  options: Pick<NormalizeContext, "random" | "maxTableNesting" | "onCollision"> = {},
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
    onCollision: options.onCollision,
  };
}
