import { describe, expect, it } from "vitest";

import { variantColumnName } from "../../../src/schema/coerce-row.js";
import { Schema } from "../../../src/schema/schema.js";

describe("variant columns", () => {
  it("sends a value that cannot be coerced to <col>__v_<type> marked as variant", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { price: 10 });
    const result = schema.coerceRow("t", { price: 9.99 });
    expect(result).toEqual({
      kind: "ok",
      row: { price__v_double: 9.99 },
      newColumns: [{ name: "price__v_double", dataType: "double", nullable: true, variant: true }],
      isNewTable: false,
    });
    expect(schema.getTable("t")?.columns.price?.dataType).toBe("bigint");
  });

  it("reuses an existing variant column and never retypes the original", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { v: 1 });
    schema.coerceRow("t", { v: "x" });
    const again = schema.coerceRow("t", { v: "y" });
    expect(again.kind === "ok" && again.newColumns).toEqual([]);
    expect(again.kind === "ok" && again.row).toEqual({ v__v_text: "y" });
    expect(Object.keys(schema.getTable("t")?.columns ?? {})).toEqual(["v", "v__v_text"]);
  });

  it("puts objects that reach a text column into the column as JSON text (text accepts anything)", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { v: "plain" });
    const result = schema.coerceRow("t", { v: [1, 2] });
    expect(result.kind === "ok" && result.row).toEqual({ v: "[1,2]" });
  });

  it("creates a json variant for objects that do not fit a numeric column", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { v: 1 });
    const result = schema.coerceRow("t", { v: { a: 1 } });
    expect(result.kind === "ok" && result.row).toEqual({ v__v_json: '{"a":1}' });
  });

  it("stores ISO strings in an existing text column as text, not as a timestamp variant", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { v: "abc" });
    const result = schema.coerceRow("t", { v: "2024-01-02T03:04:05Z" });
    expect(result.kind === "ok" && result.row).toEqual({ v: "2024-01-02T03:04:05Z" });
  });

  it("fails when the value fits neither the column nor its hand-typed variant", () => {
    const schema = new Schema("s");
    schema.applyHints("t", { columns: { v: { dataType: "bigint" }, v__v_text: { dataType: "bool" } } });
    expect(() => schema.coerceRow("t", { v: "abc" })).toThrow(/cannot|Can't coerce/i);
  });

  it("names variants with the path separator and the type", () => {
    expect(variantColumnName("price", "text")).toBe("price__v_text");
    expect(variantColumnName("a__b", "json")).toBe("a__b__v_json");
  });
});
