/**
 * Type names of the local engine: dlt types → DuckDB DDL types (the same widths the Parquet writer
 * uses, so a Hive view's casts never narrow what a file holds), and DuckDB types → the lower-case
 * names Athena reports (`varchar`, `decimal(38,9)`, `timestamp(3)`, `varbinary`, …) in query
 * results and in `information_schema.columns`.
 */
import { DuckDBTypeId } from "@duckdb/node-api";
import type { DuckDBType } from "@duckdb/node-api";
import { LoadError } from "../../errors.js";
import { DEFAULT_DECIMAL_PRECISION, DEFAULT_DECIMAL_SCALE } from "../../writers/duckdb-types.js";
import type { PlannedColumn } from "../plan.js";

/**
 * The DuckDB type of a planned column. `time` is refused (Athena cannot load it from Parquet).
 * Timestamps are `TIMESTAMP` (µs): Hive files hold ms, Iceberg on Athena keeps µs; both fit.
 *
 * @example
 * duckdbColumnType({ name: "n", dataType: "bigint", precision: 16 }); // "SMALLINT"
 * duckdbColumnType({ name: "amount", dataType: "decimal" });           // "DECIMAL(38,9)"
 */
export function duckdbColumnType(column: PlannedColumn): string {
  switch (column.dataType) {
    case "text":
    case "json":
      return "VARCHAR";
    case "double":
      return "DOUBLE";
    case "bool":
      return "BOOLEAN";
    case "bigint":
      return integerType(column.precision);
    case "decimal":
      return decimalType(column);
    case "timestamp":
      return "TIMESTAMP";
    case "date":
      return "DATE";
    case "binary":
      return "BLOB";
    case "time":
      throw new LoadError(
        "unsupported_data_type",
        `Column \`${column.name}\` has data_type='time', which Athena cannot load from Parquet; convert it to text or timestamp.`,
        { meta: { column: column.name, dataType: column.dataType } },
      );
    default: {
      const unknownType: never = column.dataType;
      throw new Error(`unknown data type ${String(unknownType)}`);
    }
  }
}

// Same thresholds as the Parquet writer (`writers/duckdb-types.ts`) and Athena's DDL.
function integerType(precision: number | undefined): string {
  if (precision === undefined || precision > 32) return "BIGINT";
  if (precision <= 8) return "TINYINT";
  if (precision <= 16) return "SMALLINT";
  return "INTEGER";
}

function decimalType(column: PlannedColumn): string {
  const precision = column.precision ?? DEFAULT_DECIMAL_PRECISION;
  const scale = column.scale ?? DEFAULT_DECIMAL_SCALE;
  // The numbers go into SQL text: refuse anything but small integers.
  if (!Number.isInteger(precision) || !Number.isInteger(scale) || precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    throw new LoadError(
      "unsupported_data_type",
      `Column \`${column.name}\`: DECIMAL(${precision},${scale}) is not valid; precision must be 1-38 and scale 0-precision.`,
      { meta: { column: column.name, dataType: column.dataType } },
    );
  }
  return `DECIMAL(${precision},${scale})`;
}

/** DuckDB type names (as `information_schema` spells them) whose Athena name is not just lower case. */
const ATHENA_NAMES: Readonly<Record<string, string>> = {
  BLOB: "varbinary",
  TIMESTAMP: "timestamp(3)",
  TIMESTAMP_MS: "timestamp(3)",
  TIMESTAMP_S: "timestamp(3)",
  TIMESTAMP_NS: "timestamp(3)",
  "TIMESTAMP WITH TIME ZONE": "timestamp(3) with time zone",
  // DuckDB widens SUM(bigint) to HUGEINT; Athena reports bigint.
  HUGEINT: "bigint",
  UBIGINT: "bigint",
  UINTEGER: "bigint",
  USMALLINT: "integer",
  UTINYINT: "smallint",
  FLOAT: "real",
  "TIME WITH TIME ZONE": "time(3) with time zone",
  TIME: "time(3)",
  INTERVAL: "interval day to second",
};

/**
 * The Athena spelling of a DuckDB type name.
 *
 * @example
 * athenaTypeName("DECIMAL(18,2)"); // "decimal(18,2)"
 * athenaTypeName("BLOB");          // "varbinary"
 */
export function athenaTypeName(duckdbType: string): string {
  return ATHENA_NAMES[duckdbType] ?? duckdbType.toLowerCase();
}

/**
 * The Athena name of a result column's DuckDB type.
 *
 * @example
 * athenaTypeOf(DOUBLE); // "double"
 */
export function athenaTypeOf(type: DuckDBType): string {
  if (type.typeId === DuckDBTypeId.LIST || type.typeId === DuckDBTypeId.ARRAY) {
    return `array(${athenaTypeOf(type.valueType)})`;
  }
  return athenaTypeName(type.toString());
}

/**
 * The same mapping as a SQL expression over a DuckDB type-name column, for the
 * `information_schema` views the engine serves (unit tests check both agree).
 *
 * @example
 * athenaTypeNameSql("data_type"); // "CASE data_type WHEN 'BLOB' THEN 'varbinary' … ELSE lower(data_type) END"
 */
export function athenaTypeNameSql(column: string): string {
  const cases = Object.entries(ATHENA_NAMES)
    .map(([duck, athena]) => `WHEN '${duck}' THEN '${athena}'`)
    .join(" ");
  return `CASE ${column} ${cases} ELSE lower(${column}) END`;
}
