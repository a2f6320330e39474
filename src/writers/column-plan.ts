/**
 * How a writer lays out one column list: which columns are appended row by row, which are
 * constants written by the `COPY` as literals, and the `COPY`'s select list in schema order.
 */
import type { ColumnSchema } from "../schema/types.js";
import { quoteDuckDBIdentifier, quoteDuckDBString, ruleForColumn } from "./duckdb-types.js";
import type { ColumnWriteRule } from "./duckdb-types.js";

/** A column written as a literal by the `COPY`; every row must hold exactly `value`. */
export interface ConstantColumn {
  readonly name: string;
  readonly value: string;
}

export interface ColumnPlan {
  /** Names and rules of the columns appended to DuckDB (all but the constants). */
  readonly names: string[];
  readonly rules: ColumnWriteRule[];
  readonly constants: ConstantColumn[];
  /** Every column in schema order, constants as `'<value>'::VARCHAR AS "<name>"`. */
  readonly selectSql: string;
  /** Estimated bytes every row costs: fixed slots, plus the constants' text. */
  readonly fixedRowBytes: number;
}

/**
 * Plans `columns`; a text column named in `constantValues` becomes a constant, unless that would
 * leave nothing to append (DuckDB counts the rows by the appended columns).
 *
 * @example
 * planColumns([id, loadId], { _dlt_load_id: "1714392000.1" }).selectSql;
 * // `"id", '1714392000.1'::VARCHAR AS "_dlt_load_id"`
 */
export function planColumns(
  columns: readonly ColumnSchema[],
  constantValues: Readonly<Record<string, string>> = {},
): ColumnPlan {
  const constantOf = (column: ColumnSchema): string | undefined =>
    column.dataType === "text" && Object.hasOwn(constantValues, column.name) ? constantValues[column.name] : undefined;
  const appendedOnly = columns.filter((column) => constantOf(column) === undefined);
  const hasConstants = appendedOnly.length > 0 && appendedOnly.length < columns.length;
  const appended = hasConstants ? appendedOnly : [...columns];
  const constants: ConstantColumn[] = [];
  const select: string[] = [];
  // Constants still count in the size estimate, so files rotate exactly as without them.
  let fixedRowBytes = 0;
  for (const column of columns) {
    const name = quoteDuckDBIdentifier(column.name);
    const value = hasConstants ? constantOf(column) : undefined;
    fixedRowBytes += ruleForColumn(column).fixedBytes + (value?.length ?? 0);
    if (value === undefined) {
      select.push(name);
    } else {
      constants.push({ name: column.name, value });
      select.push(`${quoteDuckDBString(value)}::VARCHAR AS ${name}`);
    }
  }
  return {
    names: appended.map((column) => column.name),
    rules: appended.map(ruleForColumn),
    constants,
    selectSql: select.join(", "),
    fixedRowBytes,
  };
}
