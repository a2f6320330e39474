/**
 * Athena's Parquet type rules (behaviour spec §5.1), expressed as DuckDB column types, plus the
 * conversion of each normalized JS value into the DuckDB value a data-chunk vector accepts.
 *
 * | dlt type  | DuckDB (→ Parquet)                                  | JS input                            |
 * |-----------|-----------------------------------------------------|-------------------------------------|
 * | text      | VARCHAR (BYTE_ARRAY UTF8)                           | string                              |
 * | json      | VARCHAR (BYTE_ARRAY UTF8)                           | string (already-serialized JSON)    |
 * | double    | DOUBLE                                              | number (or bigint)                  |
 * | bool      | BOOLEAN                                             | boolean                             |
 * | bigint    | BIGINT / INTEGER / SMALLINT / TINYINT by precision  | bigint or integer number            |
 * | decimal   | DECIMAL(p,s), default (38,9)                        | decimal string, number or bigint    |
 * | timestamp | TIMESTAMP_MS (INT64 TIMESTAMP MILLIS)               | Date (an instant)                   |
 * | date      | DATE (INT32 DATE)                                   | "YYYY-MM-DD" or Date (its UTC day)  |
 * | binary    | BLOB (BYTE_ARRAY)                                   | Uint8Array                          |
 * | time      | refused: Athena cannot read Parquet TIME            | —                                   |
 */
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampMillisecondsValue,
  INTEGER,
  SMALLINT,
  TIMESTAMP_MS,
  TINYINT,
  VARCHAR,
} from "@duckdb/node-api";
import type { DuckDBType, DuckDBValue } from "@duckdb/node-api";
import { LoadError } from "../errors.js";
import type { ColumnSchema } from "../schema/types.js";
import { createDecimalConverter, describeValue } from "./decimal.js";

/** dlt's default decimal precision and scale for Athena (capabilities, spec §3). */
export const DEFAULT_DECIMAL_PRECISION = 38;
export const DEFAULT_DECIMAL_SCALE = 9;

/** Converts one non-null input value; throws a plain Error whose message the writer wraps. */
export type ValueConverter = (value: unknown) => DuckDBValue;

/** How one column is written: its DuckDB type, its converter and its in-memory size estimate. */
export interface ColumnWriteRule {
  readonly type: DuckDBType;
  readonly convert: ValueConverter;
  /** Bytes every row costs in memory, NULL or not (DuckDB stores fixed-width slots). */
  readonly fixedBytes: number;
  /** Whether non-null values also cost their own length (strings, blobs). */
  readonly isVariableWidth: boolean;
}

const MS_PER_DAY = 86_400_000;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Refuses columns Athena cannot load from Parquet, before any row is written: `time` (spec §5.3),
 * integer precision above 64, decimal precision above 38 or scale above precision.
 *
 * @example
 * validateParquetColumns("events", [{ name: "at", dataType: "time", nullable: true }]);
 * // throws LoadError { code: "unsupported_data_type" }
 */
export function validateParquetColumns(table: string, columns: readonly ColumnSchema[]): void {
  const seen = new Map<string, string>();
  for (const column of columns) {
    checkColumnType(table, column);
    // DuckDB (and Athena) fold identifier case, so `Id` and `id` would collide in one file.
    const folded = column.name.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined) {
      throw new LoadError(
        "duplicate_column",
        `Table \`${table}\` has columns \`${other}\` and \`${column.name}\`, which are the same name to Athena. Rename one of them.`,
        { meta: { table, column: column.name } },
      );
    }
    seen.set(folded, column.name);
  }
}

function checkColumnType(table: string, column: ColumnSchema): void {
  const meta = { table, column: column.name, dataType: column.dataType };
  if (column.dataType === "time") {
    throw new LoadError(
      "unsupported_data_type",
      `Athena cannot load \`data_type='time'\` from Parquet files: table \`${table}\` column \`${column.name}\`. ` +
        "Please convert the time values in your data to strings or to timestamps.",
      { meta },
    );
  }
  if (column.dataType === "bigint" && column.precision !== undefined && column.precision > 64) {
    throw new LoadError(
      "unsupported_data_type",
      `Table \`${table}\` column \`${column.name}\`: bigint with precision=${column.precision} can't be mapped to an Athena integer type (at most 64 bits).`,
      { meta },
    );
  }
  if (column.dataType === "decimal") {
    const { precision, scale } = decimalShape(column);
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw new LoadError(
        "unsupported_data_type",
        `Table \`${table}\` column \`${column.name}\`: DECIMAL(${precision},${scale}) is not valid; Athena needs 1 ≤ precision ≤ 38 and 0 ≤ scale ≤ precision.`,
        { meta },
      );
    }
  }
}

/** Precision and scale of a decimal column, with dlt's Athena defaults (38, 9). */
export function decimalShape(column: ColumnSchema): { precision: number; scale: number } {
  return {
    precision: column.precision ?? DEFAULT_DECIMAL_PRECISION,
    scale: column.scale ?? DEFAULT_DECIMAL_SCALE,
  };
}

/**
 * The write rule of a column that passed {@link validateParquetColumns}.
 *
 * @example
 * ruleForColumn({ name: "amount", dataType: "decimal", nullable: true, precision: 18, scale: 2 })
 *   .type.toString(); // "DECIMAL(18,2)"
 */
export function ruleForColumn(column: ColumnSchema): ColumnWriteRule {
  switch (column.dataType) {
    case "text":
    case "json":
      return { type: VARCHAR, convert: toText, fixedBytes: 16, isVariableWidth: true };
    case "double":
      return { type: DOUBLE, convert: toDouble, fixedBytes: 8, isVariableWidth: false };
    case "bool":
      return { type: BOOLEAN, convert: toBool, fixedBytes: 1, isVariableWidth: false };
    case "bigint":
      return integerRule(column.precision);
    case "decimal":
      return decimalRule(column);
    case "timestamp":
      return { type: TIMESTAMP_MS, convert: toTimestamp, fixedBytes: 8, isVariableWidth: false };
    case "date":
      return { type: DATE, convert: toDate, fixedBytes: 4, isVariableWidth: false };
    case "binary":
      return { type: BLOB, convert: toBlob, fixedBytes: 16, isVariableWidth: true };
    case "time":
      throw new Error("time columns are refused by validateParquetColumns");
    default: {
      const unknownType: never = column.dataType;
      throw new Error(`unknown data type ${String(unknownType)}`);
    }
  }
}

/** Athena's integer widths by precision hint (spec §5.1); no hint means BIGINT. */
function integerRule(precision: number | undefined): ColumnWriteRule {
  if (precision === undefined || precision > 32) {
    return { type: BIGINT, convert: toInt64, fixedBytes: 8, isVariableWidth: false };
  }
  if (precision <= 8) return smallIntegerRule(TINYINT, 8, 1);
  if (precision <= 16) return smallIntegerRule(SMALLINT, 16, 2);
  return smallIntegerRule(INTEGER, 32, 4);
}

function smallIntegerRule(type: DuckDBType, bits: number, bytes: number): ColumnWriteRule {
  const max = 2 ** (bits - 1) - 1;
  const min = -(2 ** (bits - 1));
  const convert = (value: unknown): number => {
    const n = typeof value === "bigint" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n)) {
      throw new Error(`expected an integer (number or bigint), got ${describeValue(value)}`);
    }
    if (n < min || n > max) {
      throw new Error(`${String(value)} is outside the ${bits}-bit integer range [${min}, ${max}]`);
    }
    return n;
  };
  return { type, convert, fixedBytes: bytes, isVariableWidth: false };
}

function decimalRule(column: ColumnSchema): ColumnWriteRule {
  const { precision, scale } = decimalShape(column);
  const toUnscaled = createDecimalConverter(precision, scale);
  const convert = (value: unknown): DuckDBDecimalValue =>
    new DuckDBDecimalValue(toUnscaled(value), precision, scale);
  return { type: DECIMAL(precision, scale), convert, fixedBytes: 16, isVariableWidth: false };
}

function toText(value: unknown): string {
  if (typeof value !== "string") throw new Error(`expected a string, got ${describeValue(value)}`);
  return value;
}

function toDouble(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new Error(`expected a number, got ${describeValue(value)}`);
}

function toBool(value: unknown): boolean {
  if (typeof value !== "boolean") throw new Error(`expected a boolean, got ${describeValue(value)}`);
  return value;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toInt64(value: unknown): bigint {
  let n: bigint;
  if (typeof value === "bigint") {
    n = value;
  } else if (typeof value === "number" && Number.isInteger(value)) {
    n = BigInt(value);
  } else {
    throw new Error(`expected an integer (bigint or number), got ${describeValue(value)}`);
  }
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new Error(`${String(value)} is outside the 64-bit integer range`);
  }
  return n;
}

function toTimestamp(value: unknown): DuckDBTimestampMillisecondsValue {
  if (!(value instanceof Date)) {
    throw new Error(`expected a Date, got ${describeValue(value)}`);
  }
  const millis = value.getTime();
  if (Number.isNaN(millis)) throw new Error("the Date is invalid");
  return new DuckDBTimestampMillisecondsValue(BigInt(millis));
}

function toDate(value: unknown): DuckDBDateValue {
  if (value instanceof Date) {
    const millis = value.getTime();
    if (Number.isNaN(millis)) throw new Error("the Date is invalid");
    return new DuckDBDateValue(Math.floor(millis / MS_PER_DAY));
  }
  if (typeof value === "string") {
    const match = DATE_TEXT.exec(value);
    if (match !== null) {
      const days = daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
      if (days !== undefined) return new DuckDBDateValue(days);
    }
  }
  throw new Error(`expected a "YYYY-MM-DD" date or a Date, got ${describeValue(value)}`);
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, or undefined for an impossible date.
 * Plain arithmetic (H. Hinnant's `days_from_civil`), because building a Date per value is slow
 * and `Date.UTC` maps years 0–99 to 1900–1999.
 */
export function daysFromCivil(year: number, month: number, day: number): number | undefined {
  const isLeap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 ? (isLeap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > monthDays) return undefined;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function toBlob(value: unknown): DuckDBBlobValue {
  if (!(value instanceof Uint8Array)) {
    throw new Error(`expected a Uint8Array, got ${describeValue(value)}`);
  }
  return new DuckDBBlobValue(value);
}

/**
 * A DuckDB SQL identifier in double quotes, `"` doubled; any name a normalizer produces is safe.
 *
 * @example
 * quoteDuckDBIdentifier('we"ird'); // "\"we\"\"ird\""
 */
export function quoteDuckDBIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A DuckDB SQL string literal in single quotes, `'` doubled (DuckDB has no backslash escapes).
 *
 * @example
 * quoteDuckDBString("/tmp/it's.parquet"); // "'/tmp/it''s.parquet'"
 */
export function quoteDuckDBString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
