/**
 * A small stand-in for the executor: opens a fresh local engine in a temp project, compiles steps
 * with the duckdb dialect and runs them (SQL through the engine, file steps on the file store), and
 * writes real Parquet package files with the ParquetWriter.
 */
import { join } from "node:path";
import { duckdbDialect } from "../../../src/destination/local/dialect.js";
import { LocalEngine, localModePaths } from "../../../src/destination/local/engine.js";
import type { LoadStep, PlannedColumn, PlannedFile, TableRef } from "../../../src/destination/plan.js";
import type { QueryResult } from "../../../src/destination/sql-client.js";
import type { ColumnSchema } from "../../../src/schema/types.js";
import { createFileStore } from "../../../src/staging/file-store.js";
import type { FileStore } from "../../../src/staging/file-store.js";
import { ParquetWriter } from "../../../src/writers/parquet-writer.js";
import { makeTempDir } from "../../support/temp.js";

export const CATALOG = "awsdatacatalog";

export interface Harness {
  readonly dir: string;
  readonly engine: LocalEngine;
  readonly store: FileStore;
  readonly bucketRoot: string;
  run(...steps: LoadStep[]): Promise<void>;
  query(sql: string, database?: string): Promise<QueryResult>;
  /** Rows as objects keyed by column name. */
  rows(sql: string, database?: string): Promise<Record<string, unknown>[]>;
  /** Writes rows to a Parquet package file and returns it as a planned file for `dataset/table/`. */
  writeFile(dataset: string, table: string, columns: readonly ColumnSchema[], rows: Record<string, unknown>[]): Promise<PlannedFile>;
  location(dataset: string, table: string): string;
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  const temp = makeTempDir("dlt-athena-local-");
  const { databasePath, bucketRoot } = localModePaths(temp.dir);
  const engine = await LocalEngine.open({ databasePath });
  const store = createFileStore(bucketRoot);
  const dialect = duckdbDialect({ bucketRoot });
  let fileCounter = 0;

  const run = async (...steps: LoadStep[]): Promise<void> => {
    for (const step of steps) {
      const compiled = dialect.compileStep(step);
      if (compiled.kind === "sql") {
        for (const statement of compiled.statements) await engine.execute(statement);
      } else if (compiled.step.kind === "uploadFiles") {
        for (const file of compiled.step.files) await store.put(file.key, { path: file.localPath });
      } else {
        for (const table of compiled.step.tables) {
          const keys: string[] = [];
          for await (const object of store.list(`${compiled.step.dataset}/${table}/`)) keys.push(object.key);
          await store.delete(keys);
        }
      }
    }
  };
  const query = (sql: string, database?: string) => engine.execute(sql, database === undefined ? {} : { database });
  return {
    dir: temp.dir,
    engine,
    store,
    bucketRoot,
    run,
    query,
    async rows(sql, database) {
      const result = await query(sql, database);
      return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
    },
    async writeFile(dataset, table, columns, rows) {
      const fileId = `f${String(++fileCounter).padStart(9, "0")}`;
      const writer = new ParquetWriter({
        table,
        directory: join(temp.dir, "package"),
        newFileId: () => fileId,
        allowEmptyFile: true,
      });
      await writer.write(rows, columns);
      const [file] = await writer.close();
      if (file === undefined) throw new Error("no file written");
      return { job: file.path, table, localPath: file.path, key: `${dataset}/${table}/1700000000.${fileId}.parquet` };
    },
    location: (dataset, table) => `file://${bucketRoot}/${dataset}/${table}/`,
    async close() {
      await engine.close();
      temp.cleanup();
    },
  };
}

export const ref = (database: string, table: string): TableRef => ({ catalog: CATALOG, database, table });

export const col = (name: string, dataType: ColumnSchema["dataType"], extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  dataType,
  nullable: true,
  ...extra,
});

export const planned = (columns: readonly ColumnSchema[]): PlannedColumn[] =>
  columns.map(({ name, dataType, precision, scale }) => ({
    name,
    dataType,
    ...(precision === undefined ? {} : { precision }),
    ...(scale === undefined ? {} : { scale }),
  }));
