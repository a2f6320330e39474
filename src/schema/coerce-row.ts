/**
 * Fits one normalized row into a table (dlt's `Schema.coerce_row` + `apply_schema_contract`):
 * existing columns coerce their values, values that do not fit go to variant columns, new columns
 * are inferred, and the contract decides whether new tables, columns and variants are allowed.
 * Pure: it returns what would change; `Schema.coerceRow` commits it.
 */
import { DECIMAL_DATA_LOSS, coerceValue, isCannotCoerce } from "./coerce.js";
import { contractViolationError, isDltName, type ContractEntity, type ResolvedContract } from "./contracts.js";
import { dltColumnSchema } from "./dlt-tables.js";
import { inferDataType } from "./infer.js";
import { shortenFragments } from "./naming.js";
import { LoadError } from "../errors.js";
import type { ColumnHint, ColumnSchema, DataType, TableSchema } from "./types.js";

/** A row as produced by the normalizer: normalized column names to raw values. */
export type DataRow = Record<string, unknown>;

/** The outcome of fitting one row into its table. */
export type CoerceRowResult =
  | {
      readonly kind: "ok";
      /** The row with every value in its column's representation (see `coerce.ts`); nulls dropped. */
      readonly row: DataRow;
      /** Columns this row added (in row order), variants included. Empty when nothing changed. */
      readonly newColumns: readonly ColumnSchema[];
      /** The table did not exist or had never seen data before this row. */
      readonly isNewTable: boolean;
    }
  | {
      readonly kind: "discarded";
      /** The contract entity (`discard_row`) that dropped the row. */
      readonly entity: ContractEntity;
      readonly column?: string;
    };

/**
 * The name of the variant column holding values of `dataType` that did not fit `column`.
 *
 * @example
 * variantColumnName("price", "text"); // "price__v_text"
 */
export function variantColumnName(column: string, dataType: DataType): string {
  return shortenFragments(column, `v_${dataType}`);
}

/**
 * Fits `row` into `table` (which may not exist yet) under `contract`; throws on a frozen contract.
 *
 * @example
 * planRowCoercion("t", undefined, { id: "1" }, EVOLVE_CONTRACT);
 * // { kind: "ok", row: { id: "1" }, newColumns: [{ name: "id", dataType: "text", nullable: true }], isNewTable: true }
 */
export function planRowCoercion(
  tableName: string,
  table: TableSchema | undefined,
  row: DataRow,
  contract: ResolvedContract,
): CoerceRowResult {
  const isNewTable = table === undefined || table.seenData !== true;
  const isDltTable = isDltName(tableName);
  if (isNewTable && !isDltTable && contract.tables !== "evolve") {
    // A table cannot half-exist, so `discard_value` drops the row too.
    if (contract.tables === "freeze") {
      throw contractViolationError({ entity: "tables", table: tableName });
    }
    return { kind: "discarded", entity: "tables" };
  }
  const out: DataRow = {};
  // Allocated only when a row adds columns (rarely): this runs once per row.
  let newColumns: ColumnSchema[] | undefined;
  const columns = table?.columns ?? {};
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (value === null || value === undefined) {
      continue;
    }
    const existing = columns[key];
    if (existing !== undefined) {
      // The common case, an existing column whose value fits: no placement object per value.
      const coerced = coerceValue(value, existing);
      if (typeof coerced !== "symbol") {
        out[existing.name] = coerced;
        continue;
      }
      if (coerced === DECIMAL_DATA_LOSS) {
        throw decimalDataLossError(tableName, existing, value);
      }
    }
    const placed =
      existing === undefined
        ? placeNewColumn(tableName, table, key, value, isNewTable || isDltTable ? "evolve" : contract.columns)
        : placeVariantColumn(tableName, columns, existing, value, isDltTable ? "evolve" : contract.dataType);
    if (placed.kind === "discardRow") {
      return { kind: "discarded", entity: placed.entity, column: placed.column };
    }
    if (placed.kind === "value") {
      out[placed.column] = placed.value;
      if (placed.newColumn !== undefined) {
        (newColumns ??= []).push(placed.newColumn);
      }
    }
  }
  if (table !== undefined) {
    const required = requiredColumnsOf(table);
    if (required !== undefined) {
      for (const [name, reason] of required) {
        if (out[name] === undefined) throw notNullError(tableName, name, reason);
      }
    }
  }
  return { kind: "ok", row: out, newColumns: newColumns ?? NO_NEW_COLUMNS, isNewTable };
}

type RequiredColumns = ReadonlyArray<readonly [name: string, reason: string]> | undefined;

/** NOT NULL columns per table object (tables are immutable values, replaced on every change). */
const requiredByTable = new WeakMap<TableSchema, RequiredColumns>();

/**
 * The columns every row of the table must have a value for: `nullable: false` columns and key
 * hints (primary and merge keys are NOT NULL in dlt unless hinted nullable), also those still
 * waiting for their first value. dlt's own columns are always set by the normalizer.
 */
function requiredColumnsOf(table: TableSchema): RequiredColumns {
  if (requiredByTable.has(table)) return requiredByTable.get(table);
  const required: Array<readonly [string, string]> = [];
  for (const column of Object.values(table.columns)) {
    if (column.nullable === false && column.variant !== true && !isDltName(column.name)) {
      required.push([column.name, keyReason(column)]);
    }
  }
  for (const [name, hint] of Object.entries(table.columnHints ?? {})) {
    const isKey = hint.primaryKey === true || hint.mergeKey === true;
    if (table.columns[name] === undefined && !isDltName(name) && (hint.nullable === false || (isKey && hint.nullable !== true))) {
      required.push([name, keyReason(hint)]);
    }
  }
  const result = required.length > 0 ? required : undefined;
  requiredByTable.set(table, result);
  return result;
}

function keyReason(column: ColumnHint): string {
  return column.primaryKey === true ? "a primary key" : column.mergeKey === true ? "a merge key" : "hinted nullable: false";
}

function notNullError(table: string, column: string, reason: string): LoadError {
  return new LoadError(
    "null_in_not_null_column",
    `Column \`${column}\` of table \`${table}\` is NOT NULL (${reason}) but a row has no value for it. ` +
      `Give every row a value for \`${column}\`, or hint the column { nullable: true }.`,
    { meta: { table, column } },
  );
}

function decimalDataLossError(table: string, column: ColumnSchema, value: unknown): LoadError {
  const type = `decimal(${column.precision ?? 38},${column.scale ?? 9})`;
  return new LoadError(
    "decimal_data_loss",
    `The value ${String(value)} does not fit column \`${column.name}\` of table \`${table}\` (${type}) without data loss: ` +
      "it has more digits than the column's scale or precision allows. Widen the column's precision/scale hint, or round the data.",
    { meta: { table, column: column.name, dataType: type } },
  );
}

const NO_NEW_COLUMNS: readonly ColumnSchema[] = Object.freeze([]);

type Placement =
  | { readonly kind: "value"; readonly column: string; readonly value: unknown; readonly newColumn?: ColumnSchema }
  | { readonly kind: "discardValue" }
  | { readonly kind: "discardRow"; readonly entity: ContractEntity; readonly column: string };

function placeNewColumn(
  tableName: string,
  table: TableSchema | undefined,
  key: string,
  value: unknown,
  mode: ResolvedContract["columns"],
): Placement {
  if (!isDltName(key) && mode !== "evolve") {
    if (mode === "freeze") {
      throw contractViolationError({ entity: "columns", table: tableName, column: key });
    }
    return mode === "discard_row" ? { kind: "discardRow", entity: "columns", column: key } : { kind: "discardValue" };
  }
  const column = dltColumnSchema(key) ?? inferredColumn(key, value, table?.columnHints?.[key]);
  const coerced = coerceValue(value, column);
  if (coerced === DECIMAL_DATA_LOSS) {
    throw decimalDataLossError(tableName, column, value);
  }
  if (isCannotCoerce(coerced)) {
    throw cannotCoerceError(tableName, key, column.dataType, value);
  }
  return { kind: "value", column: key, value: coerced, newColumn: column };
}

function placeVariantColumn(
  tableName: string,
  columns: TableSchema["columns"],
  existing: ColumnSchema,
  value: unknown,
  mode: ResolvedContract["dataType"],
): Placement {
  // `planRowCoercion` already placed values that fit; this one goes to a variant.
  // The inferred type always accepts its own value, so the variant can only fail if it was typed by hand.
  const dataType = inferDataType(value) ?? "text";
  const variantName = variantColumnName(existing.name, dataType);
  const variant = columns[variantName];
  if (variant !== undefined) {
    const inVariant = coerceValue(value, variant);
    if (inVariant === DECIMAL_DATA_LOSS) {
      throw decimalDataLossError(tableName, variant, value);
    }
    if (isCannotCoerce(inVariant)) {
      throw cannotCoerceError(tableName, variantName, variant.dataType, value);
    }
    return { kind: "value", column: variantName, value: inVariant };
  }
  if (mode !== "evolve") {
    if (mode === "freeze") {
      throw contractViolationError({ entity: "dataType", table: tableName, column: variantName, dataType });
    }
    return mode === "discard_row"
      ? { kind: "discardRow", entity: "dataType", column: variantName }
      : { kind: "discardValue" };
  }
  const newColumn: ColumnSchema = { name: variantName, dataType, nullable: true, variant: true };
  return { kind: "value", column: variantName, value: coerceValue(value, newColumn), newColumn };
}

function inferredColumn(name: string, value: unknown, hint: ColumnHint | undefined): ColumnSchema {
  const dataType = hint?.dataType ?? inferDataType(value) ?? "text";
  return columnFromHint(name, dataType, hint);
}

/**
 * A column built from a hint and a data type; unset flags are left out (nullable defaults to true).
 *
 * @example
 * columnFromHint("id", "bigint", { primaryKey: true });
 * // { name: "id", dataType: "bigint", nullable: false, primaryKey: true }
 */
export function columnFromHint(name: string, dataType: DataType, hint: ColumnHint | undefined): ColumnSchema {
  const { dataType: _ignored, nullable, ...flags } = hint ?? {};
  // Primary and merge keys are NOT NULL in dlt unless the hint says otherwise.
  const isNullable = nullable ?? !(flags.primaryKey === true || flags.mergeKey === true);
  const definedFlags = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  return { name, dataType, nullable: isNullable, ...definedFlags };
}

function cannotCoerceError(table: string, column: string, dataType: DataType, value: unknown): LoadError {
  return new LoadError(
    "cannot_coerce_column",
    `Can't coerce a value of type \`${inferDataType(value) ?? "null"}\` into column \`${column}\` ` +
      `of table \`${table}\` with data type \`${dataType}\`. Change the column's hint or the data.`,
    { meta: { table, column, dataType } },
  );
}
