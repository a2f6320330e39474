/**
 * The contract between the normalizer and a file format. A writer receives normalized rows for one
 * table, decides where one file ends and the next begins (rotation), and reports every file it
 * finished, so the caller can move each into a load package as a job.
 */
import type { ColumnSchema } from "../schema/types.js";

/** One normalized row: column name → value (`null`/`undefined`/missing key mean NULL). */
export type Row = Readonly<Record<string, unknown>>;

/** A finished file, ready to become a job of a load package. */
export interface WrittenFile {
  /** Absolute or caller-relative path of the finished file. */
  readonly path: string;
  readonly table: string;
  /** 10 lowercase hex chars, dlt's `file_id` (5 random bytes). */
  readonly fileId: string;
  readonly rows: number;
  /** Size of the file on disk. */
  readonly bytes: number;
  /** The columns of the file, in file order. */
  readonly columns: readonly ColumnSchema[];
}

export interface FileWriter {
  /**
   * Buffers `rows`, all shaped by `columns` (the table's columns as the schema now stands).
   * Returns the files finished during this call (rotation), possibly none.
   */
  write(rows: readonly Row[], columns: readonly ColumnSchema[]): Promise<readonly WrittenFile[]>;
  /** Finishes the open file, releases resources and returns the files finished by this call. */
  close(): Promise<readonly WrittenFile[]>;
  /** Drops buffered rows without writing them and releases resources. */
  abort(): Promise<void>;
  /** Every file finished so far, in order. */
  readonly files: readonly WrittenFile[];
}
