import { describe, expect, it } from "vitest";

import { athenaType } from "../../../../src/destination/athena/type-mapper.js";
import { LoadError } from "../../../../src/errors.js";
import type { DataType } from "../../../../src/schema/types.js";

const col = (dataType: DataType, precision?: number, scale?: number) => ({
  name: "c",
  dataType,
  ...(precision === undefined ? {} : { precision }),
  ...(scale === undefined ? {} : { scale }),
});

describe("athenaType (reference §5.1)", () => {
  it.each([
    [col("text"), "string", "string"],
    [col("text", 64), "string", "string"],
    [col("json"), "string", "string"],
    [col("double"), "double", "double"],
    [col("bool"), "boolean", "boolean"],
    [col("timestamp"), "timestamp", "timestamp"],
    [col("timestamp", 6), "timestamp", "timestamp"],
    [col("date"), "date", "date"],
    [col("binary"), "binary", "binary"],
    [col("bigint"), "bigint", "bigint"],
    [col("bigint", 8), "tinyint", "int"],
    [col("bigint", 16), "smallint", "int"],
    [col("bigint", 32), "int", "int"],
    [col("bigint", 64), "bigint", "bigint"],
    [col("decimal"), "decimal(38,9)", "decimal(38,9)"],
    [col("decimal", 18, 2), "decimal(18,2)", "decimal(18,2)"],
    [col("decimal", 38, 0), "decimal(38,0)", "decimal(38,0)"],
    [col("decimal", 12), "decimal(12,9)", "decimal(12,9)"],
  ])("maps %j to %s (Hive) and %s (Iceberg)", (column, hive, iceberg) => {
    expect(athenaType(column, "hive", "t")).toBe(hive);
    expect(athenaType(column, "iceberg", "t")).toBe(iceberg);
  });

  it("refuses time, naming table and column and telling how to convert", () => {
    try {
      athenaType({ name: "opens_at", dataType: "time" }, "hive", "shops");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LoadError);
      const e = error as LoadError;
      expect(e.code).toBe("unsupported_data_type");
      expect(e.message).toContain("`shops`");
      expect(e.message).toContain("`opens_at`");
      expect(e.message).toMatch(/convert .* strings or to timestamps/);
      expect(e.meta).toEqual({ table: "shops", column: "opens_at", data_type: "time" });
    }
  });

  it.each([[col("bigint", 65)], [col("bigint", 128)], [col("decimal", 39, 0)], [col("decimal", 10, 11)], [col("decimal", 5)]])("refuses %j", (column) => {
    expect(() => athenaType(column, "iceberg", "t")).toThrow(expect.objectContaining({ code: "unsupported_data_type" }) as Error);
  });
});
