import { describe, expect, it } from "vitest";

import { Schema } from "../../../src/schema/schema.js";

describe("resource hints", () => {
  it("normalizes table and column names and creates typed hinted columns before any data", () => {
    const schema = new Schema("s");
    const table = schema.applyHints("OrderItems", {
      columns: { UnitPrice: { dataType: "decimal", precision: 10, scale: 2 } },
      resource: "orders",
      tableFormat: "iceberg",
    });
    expect(table.name).toBe("order_items");
    expect(table.columns.unit_price).toEqual({ name: "unit_price", dataType: "decimal", nullable: true, precision: 10, scale: 2 });
    expect(table.seenData).toBeUndefined();
    const result = schema.coerceRow("order_items", { unit_price: 9.5 });
    expect(result.kind === "ok" && result.row).toEqual({ unit_price: "9.50" });
  });

  it("lets hints override inference: a hinted type wins over the value's type", () => {
    const schema = new Schema("s");
    schema.applyHints("t", { columns: { code: { dataType: "text" }, at: { dataType: "date" } } });
    const result = schema.coerceRow("t", { code: 7, at: "2024-01-02T10:00:00Z" });
    expect(result.kind === "ok" && result.row).toEqual({ code: "7", at: "2024-01-02" });
  });

  it("keeps untyped key hints pending until the first value, then applies them (NOT NULL primary key)", () => {
    const schema = new Schema("s");
    schema.applyHints("t", { primaryKey: ["id"], mergeKey: "day", writeDisposition: "merge" });
    expect(schema.getTable("t")?.columnHints).toEqual({ id: { primaryKey: true, nullable: false }, day: { mergeKey: true, nullable: false } });
    expect(schema.primaryKeyOf("t")).toEqual(["id"]);
    schema.coerceRow("t", { id: 1, day: "mon" });
    const table = schema.getTable("t");
    expect(table?.columns.id).toEqual({ name: "id", dataType: "bigint", nullable: false, primaryKey: true });
    expect(table?.columns.day).toEqual({ name: "day", dataType: "text", nullable: false, mergeKey: true });
    expect(table?.columnHints).toBeUndefined();
  });

  it("merges flags into an existing column that keeps its type", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { id: 1 });
    schema.applyHints("t", { columns: { id: { dataType: "bigint", partition: true } } });
    expect(schema.getTable("t")?.columns.id).toEqual({ name: "id", dataType: "bigint", nullable: true, partition: true });
  });

  it("refuses a hint that changes the type of a column holding data, naming table, column and both types", () => {
    const schema = new Schema("s");
    schema.applyHints("t", { columns: { m: { dataType: "decimal", precision: 5, scale: 2 } } });
    schema.coerceRow("t", { id: 1, m: "1.23" });
    expect(() => schema.applyHints("t", { columns: { id: { dataType: "text" } } })).toThrow(/`t` column `id` already holds data as bigint; the hint changes it to text/);
    expect(() => schema.applyHints("t", { columns: { m: { dataType: "decimal", precision: 12, scale: 2 } } })).toThrow(
      /decimal\(5,2\); the hint changes it to decimal\(12,2\).*drop/,
    );
    expect(schema.getTable("t")?.columns.m?.precision).toBe(5);
  });

  it("gives nested tables the write disposition and merge strategy of their root", () => {
    const schema = new Schema("s");
    schema.applyHints("orders", { writeDisposition: "merge", mergeStrategy: "upsert" });
    schema.coerceRow("orders", { id: 1 });
    schema.coerceRow("orders__items", { sku: "a" }, { parent: "orders" });
    schema.coerceRow("orders__items__opts", { v: 1 }, { parent: "orders__items" });
    schema.coerceRow("other", { v: 1 });
    expect(schema.rootTableOf("orders__items__opts")?.name).toBe("orders");
    expect(schema.writeDispositionOf("orders__items__opts")).toBe("merge");
    expect(schema.mergeStrategyOf("orders__items")).toBe("upsert");
    expect(schema.writeDispositionOf("other")).toBe("append");
    expect(schema.mergeStrategyOf("other")).toBeUndefined();
    expect(schema.tablesChain("orders").map((t) => t.name)).toEqual(["orders", "orders__items", "orders__items__opts"]);
    expect(schema.tablesChain("missing")).toEqual([]);
  });

  it("defaults the merge strategy to delete-insert", () => {
    const schema = new Schema("s");
    schema.applyHints("t", { writeDisposition: "merge" });
    expect(schema.mergeStrategyOf("t")).toBe("delete-insert");
  });

  it("reports json-typed or json-hinted columns so the normalizer keeps them whole", () => {
    const schema = new Schema("s");
    schema.applyHints("t", { columns: { payload: { dataType: "json" } } });
    expect(schema.isJsonColumn("t", "payload")).toBe(true);
    expect(schema.isJsonColumn("t", "other")).toBe(false);
  });

  it("drops null values without creating columns", () => {
    const schema = new Schema("s");
    const result = schema.coerceRow("t", { a: null, b: undefined, c: 1 });
    expect(result.kind === "ok" && result.row).toEqual({ c: 1n });
    expect(Object.keys(schema.getTable("t")?.columns ?? {})).toEqual(["c"]);
  });

  it("marks normalizer-made _dlt columns NOT NULL with their key roles", () => {
    const schema = new Schema("s");
    schema.coerceRow("t__c", { _dlt_root_id: "r", _dlt_parent_id: "p", _dlt_list_idx: 0, _dlt_id: "i" }, { parent: "t" });
    expect(Object.values(schema.getTable("t__c")?.columns ?? {})).toEqual([
      { name: "_dlt_root_id", dataType: "text", nullable: false, rootKey: true },
      { name: "_dlt_parent_id", dataType: "text", nullable: false, parentKey: true },
      { name: "_dlt_list_idx", dataType: "bigint", nullable: false },
      { name: "_dlt_id", dataType: "text", nullable: false, unique: true, rowKey: true },
    ]);
  });
});
