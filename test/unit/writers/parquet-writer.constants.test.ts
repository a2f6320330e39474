/**
 * The writer's constant columns, written by the COPY as literals: the files must be the same as
 * when the values are appended row by row.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LoadError } from "../../../src/errors.js";
import type { ColumnSchema, DataType } from "../../../src/schema/types.js";
import { ParquetWriter } from "../../../src/writers/parquet-writer.js";
import type { ParquetWriterOptions } from "../../../src/writers/parquet-writer.js";
import { readParquet } from "../../support/read-parquet.js";

const col = (name: string, dataType: DataType): ColumnSchema => ({ name, dataType, nullable: true });
const LOAD_ID = "1714392000.1234567";
const COLUMNS = [col("id", "bigint"), col("_dlt_load_id", "text"), col("name", "text"), col("_dlt_id", "text")];
const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: BigInt(from + i),
    _dlt_load_id: LOAD_ID,
    ...(i % 3 === 0 ? {} : { name: `n'${from + i}` }),
    _dlt_id: `id${from + i}`,
  }));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dlt-athena-pq-fast-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function writeAll(name: string, options: Partial<ParquetWriterOptions>) {
  const writer = new ParquetWriter({ table: "t", directory: join(dir, name), maxRowsPerFile: 1000, ...options });
  const returned = [];
  for (let start = 0; start < 2500; start += 700) {
    returned.push(...(await writer.write(rows(start, Math.min(700, 2500 - start)), COLUMNS)));
  }
  returned.push(...(await writer.close()));
  const files = [];
  for (const file of writer.files) files.push({ count: file.rows, ...(await readParquet(file.path)) });
  return { writer, returned, files };
}

describe("ParquetWriter constant columns", () => {
  it("writes constant columns exactly like appended ones, in schema order", async () => {
    const plain = await writeAll("plain", {});
    const fast = await writeAll("fast", { constantColumns: { _dlt_load_id: LOAD_ID } });
    expect(fast.files.map((f) => f.count)).toEqual([1000, 1000, 500]);
    expect(fast.returned).toEqual(fast.writer.files);
    for (const [i, file] of fast.files.entries()) {
      const expected = plain.files[i]!;
      expect([...file.schema.keys()]).toEqual(["id", "_dlt_load_id", "name", "_dlt_id"]);
      expect(file.schema).toEqual(expected.schema);
      expect(file.rows).toEqual(expected.rows);
    }
    // Only finished files remain: no temporary names.
    expect(readdirSync(join(dir, "fast")).sort()).toEqual(fast.writer.files.map((f) => basename(f.path)).sort());
  });

  it("refuses a row whose constant column holds another value, keeping the rows before it", async () => {
    const writer = new ParquetWriter({ table: "t", directory: dir, constantColumns: { _dlt_load_id: LOAD_ID } });
    const bad = [...rows(0, 2), { id: 2n, _dlt_load_id: "other", _dlt_id: "x" }];
    const error = await writer.write(bad, COLUMNS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as LoadError).code).toBe("invalid_value");
    expect((error as LoadError).meta).toMatchObject({ table: "t", column: "_dlt_load_id" });
    await writer.write([{ id: 3n, _dlt_id: "y" }], COLUMNS).catch((e: unknown) => e);
    const files = await writer.close();
    expect(files.map((f) => f.rows)).toEqual([2]);
    const { rows: read } = await readParquet(files[0]!.path);
    expect(read.map((r) => r._dlt_load_id)).toEqual([LOAD_ID, LOAD_ID]);
  });

  it("ignores a constant for a non-text column or a column the table does not have", async () => {
    const writer = new ParquetWriter({ table: "t", directory: dir, constantColumns: { id: "7", missing: "x" } });
    await writer.write([{ id: 1n }, { id: 2n }], [col("id", "bigint")]);
    const [file] = await writer.close();
    expect((await readParquet(file!.path)).rows).toEqual([{ id: 1n }, { id: 2n }]);
  });
});
