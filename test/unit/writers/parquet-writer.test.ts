/**
 * The writer's life cycle: rotation, schema growth, file names, refusals and resource handling.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, LoadError } from "../../../src/errors.js";
import type { ColumnSchema, DataType } from "../../../src/schema/types.js";
import { ParquetWriter } from "../../../src/writers/parquet-writer.js";
import { readParquet } from "../../support/read-parquet.js";

const col = (name: string, dataType: DataType, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  dataType,
  nullable: true,
  ...extra,
});

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: BigInt(from + i) }));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dlt-athena-pq-writer-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function expectLoadError(promise: Promise<unknown>, code: string): Promise<LoadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoadError);
  expect((error as LoadError).code).toBe(code);
  return error as LoadError;
}

describe("ParquetWriter rotation", () => {
  it("starts a new file at maxRowsPerFile, keeping every row once and in order", async () => {
    const writer = new ParquetWriter({ table: "events", directory: dir, maxRowsPerFile: 1000 });
    const finishedByWrite = [];
    for (let start = 0; start < 2500; start += 700) {
      finishedByWrite.push(...(await writer.write(ids(start, Math.min(700, 2500 - start)), [col("id", "bigint")])));
    }
    expect(finishedByWrite.map((f) => f.rows)).toEqual([1000, 1000]);
    const last = await writer.close();
    expect(last.map((f) => f.rows)).toEqual([500]);
    expect(writer.files.map((f) => f.rows)).toEqual([1000, 1000, 500]);

    const seen: bigint[] = [];
    for (const file of writer.files) {
      expect(basename(file.path)).toBe(`events.${file.fileId}.0.parquet`);
      expect(file.fileId).toMatch(/^[0-9a-f]{10}$/);
      expect(file.table).toBe("events");
      expect(file.bytes).toBe(statSync(file.path).size);
      expect(file.columns.map((c) => c.name)).toEqual(["id"]);
      const { rows } = await readParquet(file.path);
      expect(rows).toHaveLength(file.rows);
      seen.push(...rows.map((row) => row.id as bigint));
    }
    expect(new Set(writer.files.map((f) => f.fileId)).size).toBe(3);
    expect(seen).toEqual(ids(0, 2500).map((row) => row.id));
    // Only finished files remain: no temporary names.
    expect(readdirSync(dir).sort()).toEqual(writer.files.map((f) => basename(f.path)).sort());
  });

  it("starts a new file when the estimated size passes maxBytesPerFile", async () => {
    const writer = new ParquetWriter({ table: "docs", directory: dir, maxBytesPerFile: 200_000 });
    const text = "x".repeat(1000);
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: BigInt(i), body: text }));
    await writer.write(rows, [col("id", "bigint"), col("body", "text")]);
    await writer.close();
    const counts = writer.files.map((f) => f.rows);
    expect(counts.length).toBeGreaterThanOrEqual(5);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    // About 1,024 bytes a row: a file closes on the row that passes 200,000.
    expect(counts[0]).toBe(Math.ceil(200_000 / (1000 + 16 + 8)));
  });
});

describe("ParquetWriter schema growth", () => {
  it("finishes the file when columns are added; later files carry them, missing values are NULL", async () => {
    const writer = new ParquetWriter({ table: "users", directory: dir });
    const v1 = [col("id", "bigint"), col("name", "text")];
    const v2 = [...v1, col("email", "text"), col("score", "decimal", { precision: 10, scale: 2 })];
    expect(await writer.write([{ id: 1n, name: "a" }], v1)).toEqual([]);
    expect(await writer.write([{ id: 2n, name: "b" }], [...v1])).toEqual([]); // same columns: same file
    const rotated = await writer.write([{ id: 3n, email: "c@x" }, { id: 4n, score: "1.5" }], v2);
    expect(rotated.map((f) => f.rows)).toEqual([2]);
    await writer.close();

    const [first, second] = writer.files;
    expect(first!.columns.map((c) => c.name)).toEqual(["id", "name"]);
    expect(second!.columns.map((c) => c.name)).toEqual(["id", "name", "email", "score"]);
    const a = await readParquet(first!.path);
    expect([...a.schema.keys()]).toEqual(["id", "name"]);
    expect(a.rows).toEqual([
      { id: 1n, name: "a" },
      { id: 2n, name: "b" },
    ]);
    const b = await readParquet(second!.path);
    expect(b.rows).toEqual([
      { id: 3n, name: null, email: "c@x", score: null },
      { id: 4n, name: null, email: null, score: "1.50" },
    ]);
  });
});

describe("ParquetWriter refusals", () => {
  it("refuses a time column before writing anything, naming table and column", async () => {
    const writer = new ParquetWriter({ table: "data_types", directory: join(dir, "out") });
    const error = await expectLoadError(
      writer.write([{ id: 1n, col11: "12:00:00" }], [col("id", "bigint"), col("col11", "time")]),
      "unsupported_data_type",
    );
    expect(error.message).toContain("`data_types`");
    expect(error.message).toContain("`col11`");
    expect(error.message).toMatch(/convert .* to strings or to timestamps/);
    expect(error.meta).toEqual({ table: "data_types", column: "col11", dataType: "time" });
    await writer.close();
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(writer.files).toEqual([]);
  });

  it.each([
    ["text", {}, 5, /expected a string/],
    ["decimal", {}, "1.0000000001", /more than 9 decimal places/],
    ["decimal", { precision: 5, scale: 2 }, "1234.5", /does not fit DECIMAL\(5,2\)/],
    ["decimal", {}, "12abc", /not a decimal number/],
    ["bigint", { precision: 8 }, 300, /outside the 8-bit integer range/],
    ["bigint", {}, 1.5, /expected an integer/],
    ["bigint", {}, 2n ** 63n, /outside the 64-bit integer range/],
    ["date", {}, "2023-02-29", /YYYY-MM-DD/],
    ["timestamp", {}, "2024-01-01T00:00:00Z", /expected a Date/],
    ["timestamp", {}, new Date(Number.NaN), /invalid/],
    ["bool", {}, "true", /expected a boolean/],
    ["binary", {}, "abc", /expected a Uint8Array/],
  ] as const)("refuses a bad %s value (%j, %s)", async (dataType, hints, value, reason) => {
    const writer = new ParquetWriter({ table: "t", directory: dir });
    const error = await expectLoadError(writer.write([{ v: value }], [col("v", dataType, hints)]), "invalid_value");
    expect(error.message).toMatch(reason);
    expect(error.message).toContain("column `v`");
    expect(error.meta).toMatchObject({ table: "t", column: "v", dataType });
    await writer.abort();
  });

  it("refuses a value for a column that is not in the column list, but not a null one", async () => {
    const writer = new ParquetWriter({ table: "t", directory: dir });
    await writer.write([{ id: 1n, gone: null, alsoGone: undefined }], [col("id", "bigint")]);
    const error = await expectLoadError(writer.write([{ id: 2n, extra: 1 }], [col("id", "bigint")]), "unknown_column");
    expect(error.meta).toEqual({ table: "t", column: "extra" });
    await writer.close();
    const { rows } = await readParquet(writer.files[0]!.path);
    expect(rows).toEqual([{ id: 1n }]); // the refused row is not written
  });

  it("refuses columns that collide ignoring case, and impossible precisions", async () => {
    const writer = new ParquetWriter({ table: "t", directory: dir });
    await expectLoadError(writer.write([], [col("Id", "bigint"), col("id", "text")]), "duplicate_column");
    await expectLoadError(writer.write([], [col("n", "bigint", { precision: 65 })]), "unsupported_data_type");
    await expectLoadError(writer.write([], [col("d", "decimal", { precision: 39, scale: 2 })]), "unsupported_data_type");
    await writer.close();
  });

  it("refuses a row group size under 100,000 and non-positive limits", () => {
    expect(() => new ParquetWriter({ table: "t", directory: dir, rowGroupSize: 50_000 })).toThrow(ConfigError);
    expect(() => new ParquetWriter({ table: "t", directory: dir, maxRowsPerFile: 0 })).toThrow(ConfigError);
  });
});

describe("ParquetWriter names and life cycle", () => {
  it("quotes any column name a normalizer can produce", async () => {
    const names = ["_dlt_id", 'we"ird', "it's", "select", "a b", "ünï", "from"];
    const columns = names.map((name) => col(name, "text"));
    const writer = new ParquetWriter({ table: "odd", directory: join(dir, "it's a dir") });
    await writer.write([Object.fromEntries(names.map((n) => [n, `v:${n}`]))], columns);
    const [file] = await writer.close();
    const { rows, schema } = await readParquet(file!.path);
    expect([...schema.keys()]).toEqual(names);
    expect(rows).toEqual([Object.fromEntries(names.map((n) => [n, `v:${n}`]))]);
  });

  it("names files through the callback and injected file ids", async () => {
    let n = 0;
    const writer = new ParquetWriter({
      table: "events",
      directory: dir,
      maxRowsPerFile: 2,
      newFileId: () => `000000000${n++}`,
      fileName: (table, fileId) => `custom-${table}-${fileId}.parquet`,
    });
    await writer.write(ids(0, 3), [col("id", "bigint")]);
    await writer.close();
    expect(writer.files.map((f) => basename(f.path))).toEqual([
      "custom-events-0000000000.parquet",
      "custom-events-0000000001.parquet",
    ]);
  });

  it("writes an empty file only when allowed", async () => {
    const quiet = new ParquetWriter({ table: "t", directory: dir });
    await quiet.write([], [col("id", "bigint")]);
    expect(await quiet.close()).toEqual([]);

    const empty = new ParquetWriter({ table: "t", directory: dir, allowEmptyFile: true });
    await empty.write([], [col("id", "bigint"), col("at", "timestamp")]);
    const [file] = await empty.close();
    expect(file!.rows).toBe(0);
    const { rows, schema } = await readParquet(file!.path);
    expect(rows).toEqual([]);
    expect([...schema.keys()]).toEqual(["id", "at"]);
  });

  it("shares one DuckDB instance between concurrent writers and leaves it open", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    try {
      const writers = ["a", "b", "c"].map((table) => new ParquetWriter({ table, directory: dir, instance }));
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let start = 0; start < 5000; start += 1000) await writer.write(ids(w * 10_000 + start, 1000), [col("id", "bigint")]);
          await writer.close();
        }),
      );
      for (const [w, writer] of writers.entries()) {
        const { rows } = await readParquet(writer.files[0]!.path);
        expect(rows.map((r) => r.id)).toEqual(ids(w * 10_000, 5000).map((r) => r.id));
      }
      const connection = await instance.connect();
      // Each writer dropped its buffer table.
      const tables = await connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM duckdb_tables()");
      expect(tables.getRowObjects()).toEqual([{ n: 0 }]);
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
  });

  it("refuses use after close and overlapping calls; abort writes nothing", async () => {
    const writer = new ParquetWriter({ table: "t", directory: dir });
    const first = writer.write(ids(0, 10), [col("id", "bigint")]);
    await expect(writer.write(ids(10, 10), [col("id", "bigint")])).rejects.toThrow(/must not overlap/);
    await first;
    await writer.close();
    await expect(writer.write(ids(0, 1), [col("id", "bigint")])).rejects.toThrow(/already closed/);

    const aborted = new ParquetWriter({ table: "t2", directory: join(dir, "aborted") });
    await aborted.write(ids(0, 5000), [col("id", "bigint")]);
    await aborted.abort();
    expect(existsSync(join(dir, "aborted"))).toBe(false);
  });
});
