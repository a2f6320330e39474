import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { normalizeContextFor, normalizeItem } from "../../../src/normalize/relational.js";
import { Schema, type TableHints } from "../../../src/schema/schema.js";
import type { ColumnSchema } from "../../../src/schema/types.js";

// Golden cases: input items → expected tables, columns (in order), types and rows. Expected ids were
// computed outside this code base with Python's hashlib (dlt's digest128 = shake_128, 10 bytes).
interface GoldenCase {
  readonly description: string;
  readonly tableName: string;
  readonly loadId: string;
  readonly hints?: TableHints;
  readonly items: readonly unknown[];
  readonly expected: {
    readonly yieldOrder: readonly string[];
    readonly tables: Record<string, { parent?: string; columns: ColumnSchema[]; rows: unknown[] }>;
  };
}

const casesDir = fileURLToPath(new URL("../../fixtures/cases/", import.meta.url));
const caseFiles = readdirSync(casesDir).filter((f) => f.endsWith(".json")).sort();

/** Random source whose n-th call returns n repeated: root ids are then R(1), R(2), ... */
function counterRandom(): (n: number) => Uint8Array {
  let calls = 0;
  return (n) => new Uint8Array(n).fill(++calls);
}

/** Makes rows comparable with JSON fixtures while keeping the value representation visible. */
function encode(value: unknown): unknown {
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

function runCase(golden: GoldenCase) {
  const schema = new Schema("shop");
  if (golden.hints !== undefined) schema.applyHints(golden.tableName, golden.hints);
  const ctx = normalizeContextFor(schema, golden.tableName, golden.loadId, { random: counterRandom() });
  const rows: Record<string, unknown[]> = {};
  const yieldOrder: string[] = [];
  for (const item of golden.items) {
    for (const [table, row, parent] of normalizeItem(item, ctx)) {
      yieldOrder.push(table);
      const result = schema.coerceRow(table, row, { parent });
      if (result.kind !== "ok") throw new Error(`row of ${table} unexpectedly discarded`);
      (rows[table] ??= []).push(encode(result.row));
    }
  }
  return { schema, rows, yieldOrder };
}

describe("relational normalizer golden cases", () => {
  it("has fixture files to run", () => {
    expect(caseFiles.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of caseFiles) {
    const golden = JSON.parse(readFileSync(casesDir + file, "utf8")) as GoldenCase;
    it(`${file}: ${golden.description}`, () => {
      const { schema, rows, yieldOrder } = runCase(golden);
      expect(yieldOrder).toEqual(golden.expected.yieldOrder);
      const dataTables = Object.keys(schema.tables).filter((t) => !t.startsWith("_dlt"));
      expect(dataTables).toEqual(Object.keys(golden.expected.tables));
      for (const [name, expected] of Object.entries(golden.expected.tables)) {
        const table = schema.getTable(name);
        expect(table?.parent).toBe(expected.parent);
        expect(Object.values(table?.columns ?? {})).toEqual(expected.columns);
        expect(rows[name]).toEqual(expected.rows);
      }
    });
  }
});
