import { describe, expect, it } from "vitest";

import { normalizeItem, normalizeNested, normalizeRoot, type NormalizeContext } from "../../../src/normalize/relational.js";

function fixedIds(): (n: number) => Uint8Array {
  let calls = 0;
  return (n) => new Uint8Array(n).fill(++calls);
}

describe("normalizeRoot + normalizeNested", () => {
  it("yield the same rows as normalizeItem", () => {
    const item = { id: 1, meta: { a: 1, tags: ["x", "y"] }, items: [{ sku: "a", opts: [[1, 2]] }, { sku: "b" }] };
    const ctx = (): NormalizeContext => ({ loadId: "1.5", tableName: "Orders", propagateRootKey: true, random: fixedIds() });
    const expected = [...normalizeItem(item, ctx())];
    const root = normalizeRoot(item, ctx());
    expect(root.hasNested).toBe(true);
    expect([[root.table, root.row, undefined], ...normalizeNested(root)]).toEqual(expected);
  });

  it("report flat items as having nothing nested", () => {
    const root = normalizeRoot({ id: 1, at: new Date(0), obj: { a: 1 } }, { loadId: "1.5", tableName: "t" });
    expect(root.hasNested).toBe(false);
    expect([...normalizeNested(root)]).toEqual([]);
    expect(Object.keys(root.row)).toEqual(["id", "at", "obj__a", "_dlt_load_id", "_dlt_id"]);
  });
});
