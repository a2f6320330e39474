/**
 * The Parquet writer: normalized rows of one table → columnar buffers → DuckDB data chunks (2048
 * rows each, the fast path; the row-wise appender is about 3× slower) → an in-memory DuckDB table →
 * `COPY … TO '<file>' (FORMAT parquet)`. DuckDB writes data page v1, exact decimals and
 * millisecond timestamps, which is what Athena reads most reliably (dependency probe §1–2).
 *
 * Memory stays bounded: at most one 2048-row buffer in JS, and at most one file's rows in DuckDB,
 * dropped as soon as the file is copied out (see `rotation.ts` for the limits).
 */
import { rename, rm, stat, mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { DuckDBDataChunk, DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { LoadError } from "../errors.js";
import type { ColumnSchema } from "../schema/types.js";
import { planColumns } from "./column-plan.js";
import type { ConstantColumn } from "./column-plan.js";
import { describeValue } from "./decimal.js";
import {
  quoteDuckDBIdentifier,
  quoteDuckDBString,
  validateParquetColumns,
} from "./duckdb-types.js";
import type { ColumnWriteRule } from "./duckdb-types.js";
import type { FileWriter, Row, WrittenFile } from "./file-writer.js";
import {
  DEFAULT_ROW_GROUP_SIZE,
  MIN_ROW_GROUP_SIZE,
  isFileComplete,
  jobFileName,
  newFileId,
  requirePositiveInteger,
  resolveRotationLimits,
} from "./rotation.js";
import type { RotationLimits } from "./rotation.js";

export type ParquetCompression = "snappy" | "zstd";

/** Rows per DuckDB data chunk: DuckDB's vector size, the unit `appendDataChunk` takes. */
export const CHUNK_ROWS = 2048;

export interface ParquetWriterOptions {
  /** The table every row belongs to; also the first part of the default file name. */
  readonly table: string;
  /** Folder for the finished files; created when the first file is opened. */
  readonly directory: string;
  /** Parquet codec; default `snappy` (zstd gives smaller files; both are read by Athena). */
  readonly compression?: ParquetCompression;
  /** Rotate after this many rows (default 5,000,000). */
  readonly maxRowsPerFile?: number;
  /** Rotate after about this many bytes held in memory (default 24 MiB; see `rotation.ts`). */
  readonly maxBytesPerFile?: number;
  /** Rows per Parquet row group, at least 100,000 (default 500,000). */
  readonly rowGroupSize?: number;
  /** File name (resolved against `directory`); default `<table>.<file_id>.0.parquet`. */
  readonly fileName?: (table: string, fileId: string) => string;
  /** Source of file ids; default 5 random bytes as hex. Inject for deterministic names. */
  readonly newFileId?: () => string;
  /** A DuckDB instance to share between writers; the writer then closes only its connection. */
  readonly instance?: DuckDBInstance;
  /** Write one file with no rows when `close()` finds nothing was written (default false). */
  readonly allowEmptyFile?: boolean;
  /**
   * Text columns whose value is the same in every row (e.g. `_dlt_load_id` of a package). They
   * are written by the `COPY` as a literal instead of being appended row by row (string vectors
   * are the costliest part of an append). Every row must hold exactly that value.
   */
  readonly constantColumns?: Readonly<Record<string, string>>;
}

/** The file being filled: its DuckDB table and appender. */
interface OpenFile {
  readonly fileId: string;
  readonly tableName: string;
  readonly appender: DuckDBAppender;
}

// Module state, kept: writers of one DuckDB instance share its catalog, so buffer table names
// must be unique per process, not per writer (the random file id alone could repeat).
let tableCounter = 0;

/**
 * Writes one table's rows to Parquet files, rotating by row count and estimated size.
 * Calls must not overlap: await each `write` before the next.
 *
 * @example
 * const writer = new ParquetWriter({ table: "events", directory: "/tmp/out" });
 * await writer.write([{ id: 1n, at: new Date() }], columns);
 * const files = await writer.close(); // [{ path: "/tmp/out/events.3f9c01ab7e.0.parquet", rows: 1, … }]
 */
export class ParquetWriter implements FileWriter {
  readonly #options: ParquetWriterOptions;
  readonly #limits: RotationLimits;
  readonly #rowGroupSize: number;
  #columns: readonly ColumnSchema[] = [];
  /** Names and rules of the columns appended to DuckDB (all but the constant ones). */
  #names: string[] = [];
  #rules: ColumnWriteRule[] = [];
  #constants: ConstantColumn[] = [];
  /** The `COPY`'s select list: every column in schema order, constants as literals. */
  #selectSql = "*";
  #known = new Set<string>();
  #fixedRowBytes = 0;
  /** One array per column, CHUNK_ROWS long, reused across chunks. */
  #buffer: (DuckDBValue | null)[][] = [];
  #buffered = 0;
  /** Rows and estimated bytes of the current file, buffered rows included. */
  #fileRows = 0;
  #fileBytes = 0;
  #file: OpenFile | undefined;
  readonly #files: WrittenFile[] = [];
  #instance: DuckDBInstance | undefined;
  #connection: DuckDBConnection | undefined;
  #isBusy = false;
  #isClosed = false;

  constructor(options: ParquetWriterOptions) {
    this.#options = options;
    this.#limits = resolveRotationLimits(options);
    this.#rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
    requirePositiveInteger("rowGroupSize", this.#rowGroupSize, MIN_ROW_GROUP_SIZE);
  }

  get files(): readonly WrittenFile[] {
    return this.#files;
  }

  /**
   * Buffers `rows` under `columns`. A column list that differs from the previous call's finishes
   * the current file first (Parquet files have one schema; dlt rotates the same way), so later
   * files carry the new columns. Missing keys and `null`/`undefined` values are NULL.
   * Throws a LoadError for a refused column (before anything is buffered) or value (the rows
   * before it stay buffered; call `abort()` to drop them).
   */
  async write(rows: readonly Row[], columns: readonly ColumnSchema[]): Promise<readonly WrittenFile[]> {
    return this.#exclusive(async () => {
      validateParquetColumns(this.#options.table, columns);
      if (columns.length === 0 && rows.length > 0) {
        throw new LoadError("no_columns", `Rows for table \`${this.#options.table}\` came without columns.`, {
          meta: { table: this.#options.table },
        });
      }
      const finished: WrittenFile[] = [];
      if (!hasSameColumns(this.#columns, columns)) {
        if (this.#fileRows > 0) finished.push(await this.#finishFile());
        this.#setColumns(columns);
      }
      for (let index = 0; index < rows.length; index++) {
        this.#bufferRow(rows[index] ?? {}, index);
        if (this.#buffered === CHUNK_ROWS) await this.#flushChunk();
        if (isFileComplete(this.#fileRows, this.#fileBytes, this.#limits)) {
          finished.push(await this.#finishFile());
        }
      }
      return finished;
    });
  }

  /** Finishes the open file (if it has rows) and closes the DuckDB connection. */
  async close(): Promise<readonly WrittenFile[]> {
    return this.#exclusive(async () => {
      const finished: WrittenFile[] = [];
      try {
        const shouldWriteEmpty =
          this.#options.allowEmptyFile === true && this.#files.length === 0 && this.#columns.length > 0;
        if (this.#fileRows > 0 || shouldWriteEmpty) finished.push(await this.#finishFile());
      } finally {
        this.#release();
      }
      return finished;
    });
  }

  /** Drops buffered rows without writing a file; files already finished stay. */
  async abort(): Promise<void> {
    if (this.#isClosed) return;
    this.#buffered = 0;
    this.#fileRows = 0;
    const file = this.#file;
    this.#file = undefined;
    try {
      if (file !== undefined && this.#connection !== undefined) {
        file.appender.closeSync();
        await this.#connection.run(`DROP TABLE IF EXISTS ${quoteDuckDBIdentifier(file.tableName)}`);
      }
    } finally {
      this.#release();
    }
  }

  async #exclusive<T>(action: () => Promise<T>): Promise<T> {
    if (this.#isClosed) {
      throw new Error(`ParquetWriter for table ${this.#options.table} is already closed`);
    }
    if (this.#isBusy) {
      throw new Error("ParquetWriter calls must not overlap: await each write() before the next");
    }
    this.#isBusy = true;
    try {
      return await action();
    } finally {
      this.#isBusy = false;
    }
  }

  #setColumns(columns: readonly ColumnSchema[]): void {
    const plan = planColumns(columns, this.#options.constantColumns);
    this.#columns = [...columns];
    this.#known = new Set(columns.map((column) => column.name));
    this.#names = plan.names;
    this.#rules = plan.rules;
    this.#constants = plan.constants;
    this.#selectSql = plan.selectSql;
    this.#fixedRowBytes = plan.fixedRowBytes;
    this.#buffer = plan.names.map(() => new Array<DuckDBValue | null>(CHUNK_ROWS).fill(null));
  }

  /** Converts one row into the column buffers; a row that fails is not kept. */
  #bufferRow(row: Row, index: number): void {
    const slot = this.#buffered;
    const rules = this.#rules;
    let bytes = this.#fixedRowBytes;
    let defined = 0;
    for (let i = 0; i < rules.length; i++) {
      const value = row[this.#names[i] as string];
      const column = this.#buffer[i] as (DuckDBValue | null)[];
      if (value === undefined || value === null) {
        if (value === null) defined++;
        column[slot] = null;
        continue;
      }
      defined++;
      const rule = rules[i] as ColumnWriteRule;
      try {
        column[slot] = rule.convert(value);
      } catch (error) {
        throw this.#invalidValue(i, index, value, error);
      }
      if (rule.isVariableWidth) bytes += (value as string | Uint8Array).length;
    }
    const constants = this.#constants;
    for (let i = 0; i < constants.length; i++) {
      const constant = constants[i] as ConstantColumn;
      if (row[constant.name] !== constant.value) throw this.#notConstant(constant, index, row[constant.name]);
      defined++;
    }
    // Counting keys is cheap (no array, unlike Object.keys); the exact search runs only when
    // some key may not be a column.
    if (countKeys(row) > defined) this.#checkUnknownKeys(row, index);
    this.#buffered = slot + 1;
    this.#fileRows++;
    this.#fileBytes += bytes;
  }

  #checkUnknownKeys(row: Row, index: number): void {
    for (const key of Object.keys(row)) {
      if (!this.#known.has(key) && row[key] !== undefined && row[key] !== null) {
        const table = this.#options.table;
        throw new LoadError(
          "unknown_column",
          `Row ${index} of table \`${table}\` has a value for \`${key}\`, which is not among the table's columns; ` +
            "pass the schema's current columns with the rows.",
          { meta: { table, column: key } },
        );
      }
    }
  }

  #notConstant(constant: ConstantColumn, rowIndex: number, value: unknown): LoadError {
    const table = this.#options.table;
    return new LoadError(
      "invalid_value",
      `Row ${rowIndex} of table \`${table}\`, column \`${constant.name}\` must be ` +
        `${JSON.stringify(constant.value)} in every row, got ${describeValue(value)}.`,
      { meta: { table, column: constant.name, dataType: "text" } },
    );
  }

  #invalidValue(columnIndex: number, rowIndex: number, value: unknown, error: unknown): LoadError {
    const column = this.#columns[columnIndex] as ColumnSchema;
    const table = this.#options.table;
    const reason = error instanceof Error ? error.message : describeValue(value);
    return new LoadError(
      "invalid_value",
      `Row ${rowIndex} of table \`${table}\`, column \`${column.name}\` (${column.dataType}): ${reason}.`,
      { meta: { table, column: column.name, dataType: column.dataType }, cause: error },
    );
  }

  /** Moves the buffered rows into DuckDB as one data chunk. */
  async #flushChunk(): Promise<void> {
    const count = this.#buffered;
    if (count === 0) return;
    const file = await this.#openFile();
    const chunk = DuckDBDataChunk.create(
      this.#rules.map((rule) => rule.type),
      count,
    );
    for (let i = 0; i < this.#rules.length; i++) {
      const vector = chunk.getColumnVector(i);
      const values = this.#buffer[i] as (DuckDBValue | null)[];
      for (let r = 0; r < count; r++) vector.setItem(r, values[r] ?? null);
      vector.flush();
    }
    file.appender.appendDataChunk(chunk);
    this.#buffered = 0;
  }

  async #openFile(): Promise<OpenFile> {
    if (this.#file !== undefined) return this.#file;
    const connection = await this.#connect();
    const fileId = (this.#options.newFileId ?? newFileId)();
    // Unique per process: writers sharing an instance share its catalog.
    const tableName = `dlt_writer_${fileId}_${++tableCounter}`;
    const columnsSql = this.#names
      .map((name, i) => `${quoteDuckDBIdentifier(name)} ${String(this.#rules[i]?.type)}`)
      .join(", ");
    await connection.run(`CREATE TABLE ${quoteDuckDBIdentifier(tableName)} (${columnsSql})`);
    const appender = await connection.createAppender(tableName);
    this.#file = { fileId, tableName, appender };
    return this.#file;
  }

  /** COPYs the current DuckDB table to its Parquet file and drops the table. */
  async #finishFile(): Promise<WrittenFile> {
    await this.#flushChunk();
    const file = await this.#openFile();
    const connection = await this.#connect();
    const table = this.#options.table;
    const path = resolve(this.#options.directory, this.#fileNameOf(file.fileId));
    // Written under a temporary name and renamed, so a crash never leaves a truncated file
    // under a job name.
    const tempPath = `${path}.tmp`;
    const quotedTable = quoteDuckDBIdentifier(file.tableName);
    try {
      file.appender.closeSync();
      await mkdir(this.#options.directory, { recursive: true });
      // The select list puts constant columns back in their place, as literals.
      await connection.run(
        `COPY (SELECT ${this.#selectSql} FROM ${quotedTable}) TO ${quoteDuckDBString(tempPath)} (FORMAT parquet, ` +
          `COMPRESSION ${this.#options.compression ?? "snappy"}, ` +
          `ROW_GROUP_SIZE ${this.#rowGroupSize}, PARQUET_VERSION V1)`,
      );
      await rename(tempPath, path);
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    } finally {
      this.#file = undefined;
      await connection.run(`DROP TABLE IF EXISTS ${quotedTable}`);
    }
    const { size } = await stat(path);
    const written = { path, table, fileId: file.fileId, rows: this.#fileRows, bytes: size, columns: this.#columns };
    this.#fileRows = 0;
    this.#fileBytes = 0;
    this.#files.push(written);
    return written;
  }

  #fileNameOf(fileId: string): string {
    const table = this.#options.table;
    return this.#options.fileName?.(table, fileId) ?? jobFileName(table, fileId);
  }

  async #connect(): Promise<DuckDBConnection> {
    if (this.#connection === undefined) {
      this.#instance ??= this.#options.instance ?? (await DuckDBInstance.create(":memory:"));
      this.#connection = await this.#instance.connect();
    }
    return this.#connection;
  }

  /** Closes the connection, and the instance when the writer created it. */
  #release(): void {
    this.#isClosed = true;
    this.#connection?.closeSync();
    this.#connection = undefined;
    if (this.#instance !== undefined && this.#instance !== this.#options.instance) {
      this.#instance.closeSync();
    }
    this.#instance = undefined;
  }
}

/**
 * At least the number of own enumerable keys (`for…in` also sees inherited enumerable keys, which
 * plain rows do not have; counting them only costs an exact check).
 */
function countKeys(row: Row): number {
  let count = 0;
  for (const _key in row) count++;
  return count;
}

/** Same names, types, precision and scale, in the same order. */
function hasSameColumns(a: readonly ColumnSchema[], b: readonly ColumnSchema[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((column, i) => {
    const other = b[i];
    return (
      other !== undefined &&
      column.name === other.name &&
      column.dataType === other.dataType &&
      column.precision === other.precision &&
      column.scale === other.scale
    );
  });
}
