import { describe, expect, it } from "vitest";

import { normalizeItem } from "../../../src/normalize/relational.js";
import { Schema } from "../../../src/schema/schema.js";
import { incremental } from "../../../src/source/incremental.js";

function thrown(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected an error");
}

describe("dlt's rules the parity corpus found missing", () => {
  it("puts a flattened object's columns after the record's own values, last object first", () => {
    const rows = [...normalizeItem({ a: { b: 1 }, c: 2, d: { e: "x", f: { g: 1 } }, h: true }, { loadId: "1.1", tableName: "t" })];
    expect(Object.keys(rows[0]![1])).toEqual(["c", "h", "d__e", "d__f__g", "a__b", "_dlt_load_id", "_dlt_id"]);
  });

  it("tells about keys that collapse into one column, keeping the last value as dlt does", () => {
    const seen: Array<readonly [string, string]> = [];
    const rows = [
      ...normalizeItem(
        { userName: "camel", user_name: "snake" },
        { loadId: "1.1", tableName: "people", onCollision: (_table, collisions) => seen.push(...collisions) },
      ),
    ];
    expect(rows[0]![1].user_name).toBe("snake");
    expect(seen).toEqual([["user_name", "user_name"]]);
  });

  it("refuses a row without a value for a NOT NULL column, naming table and column", () => {
    const schema = new Schema("s");
    schema.applyHints("nn", { columns: { v: { dataType: "text", nullable: false } } });
    expect(schema.coerceRow("nn", { v: "a" }).kind).toBe("ok");
    const error = thrown(() => schema.coerceRow("nn", { id: 2 }));
    expect(error.code).toBe("null_in_not_null_column");
    expect(error.message).toContain("`v` of table `nn`");
  });

  it("refuses a row without its merge table's primary key, also before the key column exists", () => {
    const schema = new Schema("s");
    schema.applyHints("mk", { writeDisposition: "merge", primaryKey: "id" });
    const error = thrown(() => schema.coerceRow("mk", { v: "b" }));
    expect(error.code).toBe("null_in_not_null_column");
    expect(error.message).toContain("primary key");
  });

  it("makes merge keys NOT NULL, as dlt does", () => {
    const schema = new Schema("s");
    schema.applyHints("daily", { writeDisposition: "merge", mergeKey: "day" });
    schema.coerceRow("daily", { day: "d1" });
    expect(schema.getTable("daily")?.columns.day?.nullable).toBe(false);
  });

  it("fails a decimal with more digits than its scale or precision (dlt's data loss)", () => {
    const schema = new Schema("s");
    schema.applyHints("money", { columns: { m: { dataType: "decimal", precision: 5, scale: 2 } } });
    expect(schema.coerceRow("money", { m: "1.230" })).toMatchObject({ kind: "ok", row: { m: "1.23" } });
    for (const value of ["1.234", "12345.5"]) {
      const error = thrown(() => schema.coerceRow("money", { m: value }));
      expect(error.code).toBe("decimal_data_loss");
      expect(error.message).toContain("column `m` of table `money` (decimal(5,2))");
    }
  });

  it("puts text into a json column only when it is JSON; other scalars become variants", () => {
    const schema = new Schema("s");
    schema.applyHints("p", { columns: { p: { dataType: "json" } } });
    expect(schema.coerceRow("p", { p: '{"a":1}' })).toMatchObject({ row: { p: '{"a":1}' } });
    expect(schema.coerceRow("p", { p: "plain" })).toMatchObject({ row: { p__v_text: "plain" } });
    expect(schema.coerceRow("p", { p: 5 })).toMatchObject({ row: { p__v_bigint: 5n } });
  });

  it("de-duplicates at the cursor boundary by the resource's primary key when the cursor has none", () => {
    const cursor = incremental<number>("updated");
    const state = cursor.bind(undefined, "id");
    cursor.filter([{ id: 2, updated: 20, s: "open" }], "tickets");
    const next = incremental<number>("updated");
    next.bind(JSON.parse(JSON.stringify(state)), "id");
    const kept = next.filter([{ id: 2, updated: 20, s: "changed" }, { id: 3, updated: 20 }], "tickets");
    expect(kept).toEqual([{ id: 3, updated: 20 }]);
  });
});
