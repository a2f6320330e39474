/**
 * Every data type through the writer and back through hyparquet: values exact, Parquet physical
 * and logical types as Athena expects them (behaviour spec §5.1), data page v1, big row groups.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetMetadata } from "hyparquet";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ColumnSchema, DataType } from "../../../src/schema/types.js";
import { ParquetWriter } from "../../../src/writers/parquet-writer.js";
import { pageTypesOf, readParquet } from "../../support/read-parquet.js";

const col = (name: string, dataType: DataType, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  dataType,
  nullable: true,
  ...extra,
});

const COLUMNS: ColumnSchema[] = [
  col("id", "bigint"),
  col("tiny", "bigint", { precision: 8 }),
  col("small", "bigint", { precision: 16 }),
  col("medium", "bigint", { precision: 32 }),
  col("name", "text"),
  col("payload", "json"),
  col("score", "double"),
  col("active", "bool"),
  col("created_at", "timestamp"),
  col("day", "date"),
  col("amount", "decimal"),
  col("price", "decimal", { precision: 18, scale: 2 }),
  col("rate", "decimal", { precision: 9, scale: 4 }),
  col("huge", "decimal", { precision: 38, scale: 0 }),
  col("blob", "binary"),
];

const ROWS = [
  {
    id: 9007199254740993n,
    tiny: -128,
    small: 32767,
    medium: -2147483648,
    name: "héllo ✓ 😀 日本語",
    payload: '{"a":[1,2,{"b":null}],"s":"ünï"}',
    score: 0.1 + 0.2,
    active: true,
    created_at: new Date("2024-04-29T12:00:00.123Z"),
    day: "2024-02-29",
    amount: "0.29",
    price: "581106.94",
    rate: "-0.0001",
    huge: "12345678901234567890123456789012345678",
    blob: new Uint8Array([0, 1, 127, 128, 255]),
  },
  {
    id: -9223372036854775808n,
    tiny: 127,
    small: -32768,
    medium: 2147483647,
    name: "",
    payload: "[]",
    score: -1.5e300,
    active: false,
    created_at: new Date("1969-12-31T23:59:59.999Z"),
    day: new Date("1999-12-31T23:30:00.000Z"),
    amount: "-12.345678901",
    price: 0.29,
    rate: 12345,
    huge: -99999999999999999999999999999999999999n,
    blob: new Uint8Array([]),
  },
  {
    id: 42,
    tiny: 5n,
    small: 0,
    medium: 7n,
    name: "line\nbreak 'quote' \"dq\"",
    payload: "null",
    score: 3,
    active: null,
    created_at: new Date("9999-12-31T23:59:59.999Z"),
    day: "0001-01-01",
    amount: "99999999999999999999999999999.999999999",
    price: "-0.01",
    rate: "99999.9999",
    huge: 0n,
    blob: null,
  },
  // Every column NULL, some explicitly, the rest by missing keys.
  { id: null, name: null, created_at: undefined, amount: null },
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dlt-athena-pq-types-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function writeAll(rows: Record<string, unknown>[], columns: ColumnSchema[]): Promise<string> {
  const writer = new ParquetWriter({ table: "data_types", directory: dir });
  await writer.write(rows, columns);
  const files = await writer.close();
  expect(files).toHaveLength(1);
  return files[0]!.path;
}

describe("ParquetWriter data types", () => {
  it("round-trips every value exactly through an independent reader", async () => {
    const { rows } = await readParquet(await writeAll(ROWS, COLUMNS));
    expect(rows).toHaveLength(4);
    const [first, second, third, empty] = rows as Record<string, unknown>[];

    expect(first).toMatchObject({
      id: 9007199254740993n,
      tiny: -128,
      small: 32767,
      medium: -2147483648,
      name: "héllo ✓ 😀 日本語",
      payload: '{"a":[1,2,{"b":null}],"s":"ünï"}',
      score: 0.30000000000000004,
      active: true,
      amount: "0.290000000",
      price: "581106.94",
      rate: "-0.0001",
      huge: "12345678901234567890123456789012345678",
    });
    expect((first!.created_at as Date).getTime()).toBe(Date.parse("2024-04-29T12:00:00.123Z"));
    expect((first!.day as Date).toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(Array.from(first!.blob as Uint8Array)).toEqual([0, 1, 127, 128, 255]);

    expect(second).toMatchObject({
      id: -9223372036854775808n,
      name: "",
      score: -1.5e300,
      active: false,
      amount: "-12.345678901",
      price: "0.29",
      rate: "12345.0000",
      huge: "-99999999999999999999999999999999999999",
    });
    expect((second!.created_at as Date).getTime()).toBe(-1);
    // A Date for a date column means its UTC day.
    expect((second!.day as Date).toISOString()).toBe("1999-12-31T00:00:00.000Z");
    expect(Array.from(second!.blob as Uint8Array)).toEqual([]);

    expect(third).toMatchObject({
      id: 42n,
      tiny: 5,
      medium: 7,
      name: "line\nbreak 'quote' \"dq\"",
      active: null,
      amount: "99999999999999999999999999999.999999999",
      price: "-0.01",
      rate: "99999.9999",
      huge: "0",
      blob: null,
    });
    expect((third!.created_at as Date).getTime()).toBe(Date.parse("9999-12-31T23:59:59.999Z"));
    expect((third!.day as Date).toISOString()).toBe("0001-01-01T00:00:00.000Z");

    for (const column of COLUMNS) expect(empty![column.name]).toBeNull();
  });

  it("writes the Parquet types Athena expects, all nullable", async () => {
    const path = await writeAll(ROWS, COLUMNS);
    const { schema, metadata } = await readParquet(path);
    const shape = (name: string) => {
      const e = schema.get(name)!;
      return [e.type, e.converted_type, e.repetition_type];
    };
    expect(shape("id")).toEqual(["INT64", "INT_64", "OPTIONAL"]);
    expect(shape("tiny")).toEqual(["INT32", "INT_8", "OPTIONAL"]);
    expect(shape("small")).toEqual(["INT32", "INT_16", "OPTIONAL"]);
    expect(shape("medium")).toEqual(["INT32", "INT_32", "OPTIONAL"]);
    expect(shape("name")).toEqual(["BYTE_ARRAY", "UTF8", "OPTIONAL"]);
    expect(shape("payload")).toEqual(["BYTE_ARRAY", "UTF8", "OPTIONAL"]);
    expect(shape("score")).toEqual(["DOUBLE", undefined, "OPTIONAL"]);
    expect(shape("active")).toEqual(["BOOLEAN", undefined, "OPTIONAL"]);
    expect(shape("day")).toEqual(["INT32", "DATE", "OPTIONAL"]);
    expect(shape("blob")).toEqual(["BYTE_ARRAY", undefined, "OPTIONAL"]);

    const ts = schema.get("created_at")!;
    expect([ts.type, ts.converted_type]).toEqual(["INT64", "TIMESTAMP_MILLIS"]);
    expect(ts.logical_type).toMatchObject({ type: "TIMESTAMP", unit: "MILLIS" });

    const decimal = (name: string) => {
      const e = schema.get(name)!;
      return [e.type, e.converted_type, e.precision, e.scale, e.logical_type];
    };
    expect(decimal("amount")).toEqual([
      "FIXED_LEN_BYTE_ARRAY",
      "DECIMAL",
      38,
      9,
      { type: "DECIMAL", precision: 38, scale: 9 },
    ]);
    expect(decimal("price")).toEqual(["INT64", "DECIMAL", 18, 2, { type: "DECIMAL", precision: 18, scale: 2 }]);
    expect(decimal("rate")).toEqual(["INT32", "DECIMAL", 9, 4, { type: "DECIMAL", precision: 9, scale: 4 }]);
    expect(decimal("huge").slice(0, 4)).toEqual(["FIXED_LEN_BYTE_ARRAY", "DECIMAL", 38, 0]);

    expect(metadata.row_groups[0]!.columns[0]!.meta_data!.codec).toBe("SNAPPY");
    expect(pageTypesOf(path)).not.toContain("DATA_PAGE_V2");
  });

  it("writes ZSTD when asked", async () => {
    const writer = new ParquetWriter({ table: "t", directory: dir, compression: "zstd" });
    await writer.write([{ id: 1n }], [col("id", "bigint")]);
    const [file] = await writer.close();
    // hyparquet cannot decompress ZSTD without an extra package; the footer is uncompressed.
    const buffer = readFileSync(file!.path);
    const metadata = parquetMetadata(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer);
    expect(metadata.row_groups[0]!.columns[0]!.meta_data!.codec).toBe("ZSTD");
    expect(Number(metadata.num_rows)).toBe(1);
  });

  it("writes 150k rows as one big row group of v1 data pages", async () => {
    const columns = [col("id", "bigint"), col("label", "text"), col("at", "timestamp")];
    const writer = new ParquetWriter({ table: "big", directory: dir });
    const base = Date.parse("2024-01-01T00:00:00Z");
    for (let start = 0; start < 150_000; start += 10_000) {
      const rows = Array.from({ length: 10_000 }, (_, i) => ({
        id: BigInt(start + i),
        label: `row ${start + i}`,
        at: new Date(base + (start + i) * 997),
      }));
      await writer.write(rows, columns);
    }
    const [file] = await writer.close();
    expect(file!.rows).toBe(150_000);

    const { metadata, rows } = await readParquet(file!.path);
    const groups = metadata.row_groups.map((group) => Number(group.num_rows));
    expect(groups.reduce((a, b) => a + b, 0)).toBe(150_000);
    expect(groups[0]).toBeGreaterThanOrEqual(100_000);
    const pageTypes = pageTypesOf(file!.path);
    expect(pageTypes).toContain("DATA_PAGE");
    expect(pageTypes).not.toContain("DATA_PAGE_V2");
    // Format version 1 and its encodings: DuckDB's PARQUET_VERSION V2 would add DELTA_* encodings.
    expect(metadata.version).toBe(1);
    const encodings = new Set(metadata.row_groups.flatMap((g) => g.columns.flatMap((c) => c.meta_data!.encodings)));
    expect([...encodings].filter((e) => e.startsWith("DELTA"))).toEqual([]);

    expect(rows).toHaveLength(150_000);
    rows.forEach((row, i) => {
      if (row.id !== BigInt(i) || (row.at as Date).getTime() !== base + i * 997) {
        throw new Error(`row ${i} differs: ${String(row.id)} ${String(row.at)}`);
      }
    });
    expect(rows[149_999]!.label).toBe("row 149999");
  });
});
