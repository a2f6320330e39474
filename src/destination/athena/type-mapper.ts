/**
 * dlt data types → Athena DDL type names (reference §5.1, dlt's `AthenaTypeMapper`). Hive and
 * Iceberg differ only for small integers: Iceberg has no `tinyint`/`smallint`.
 */
import { LoadError } from "../../errors.js";
import type { DataType, TableFormat } from "../../schema/types.js";

/** dlt's default decimal precision and scale for Athena. */
export const DEFAULT_DECIMAL: { readonly precision: number; readonly scale: number } = { precision: 38, scale: 9 };

/** The column facts the mapper reads. */
export interface TypedColumn {
  readonly name: string;
  readonly dataType: DataType;
  readonly precision?: number;
  readonly scale?: number;
}

/**
 * The Athena DDL type of a column. `table` is used only in error messages.
 *
 * @throws LoadError `unsupported_data_type` for `time`, a bigint wider than 64 bits or an
 *   impossible decimal.
 * @example
 * athenaType({ name: "n", dataType: "bigint", precision: 16 }, "hive", "t");    // "smallint"
 * athenaType({ name: "n", dataType: "bigint", precision: 16 }, "iceberg", "t"); // "int"
 * athenaType({ name: "d", dataType: "decimal" }, "hive", "t");                  // "decimal(38,9)"
 */
export function athenaType(column: TypedColumn, format: TableFormat, table: string): string {
  switch (column.dataType) {
    case "text":
    case "json":
      return "string";
    case "double":
      return "double";
    case "bool":
      return "boolean";
    case "timestamp":
      // Hive `timestamp` is milliseconds and Iceberg's microseconds; neither takes a precision.
      return "timestamp";
    case "date":
      return "date";
    case "binary":
      return "binary";
    case "bigint":
      return integerType(column, format, table);
    case "decimal":
      return decimalType(column, table);
    case "time":
      throw unsupported(
        column,
        table,
        "Athena cannot load TIME columns from Parquet files. Please convert time values in your data to strings or to timestamps.",
      );
    default: {
      const never: never = column.dataType;
      throw new LoadError("unsupported_data_type", `Unknown data type ${String(never)}.`);
    }
  }
}

function integerType(column: TypedColumn, format: TableFormat, table: string): string {
  const precision = column.precision;
  if (precision === undefined) return "bigint";
  if (precision > 64) {
    throw unsupported(column, table, `A bigint with precision=${precision} can't be mapped to an Athena integer type (at most 64 bits); use decimal instead.`);
  }
  if (precision > 32) return "bigint";
  if (format === "iceberg") return "int";
  if (precision > 16) return "int";
  return precision > 8 ? "smallint" : "tinyint";
}

function decimalType(column: TypedColumn, table: string): string {
  const precision = column.precision ?? DEFAULT_DECIMAL.precision;
  // dlt fills a missing scale with the default (as the Parquet writer does, so both agree).
  const scale = column.scale ?? DEFAULT_DECIMAL.scale;
  const isValid = Number.isInteger(precision) && Number.isInteger(scale) && precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision;
  if (!isValid) {
    throw unsupported(column, table, `decimal(${precision},${scale}) is not valid in Athena (precision 1–38, scale 0–precision).`);
  }
  return `decimal(${precision},${scale})`;
}

function unsupported(column: TypedColumn, table: string, detail: string): LoadError {
  return new LoadError(
    "unsupported_data_type",
    `Table \`${table}\` column \`${column.name}\` has data_type='${column.dataType}' that Athena cannot load. ${detail}`,
    { meta: { table, column: column.name, data_type: column.dataType } },
  );
}
