import { describe, expect, it } from "vitest";

import { normalizeItem, type NormalizeContext } from "../../../src/normalize/relational.js";

const ctx: NormalizeContext = { loadId: "1.5", tableName: "t", random: () => new Uint8Array(10).fill(7) };

describe("relational normalizer behaviour", () => {
  it("replaces empty and blank keys with _empty and normalizes the others", () => {
    const [[, row] = []] = [...normalizeItem({ "": 1, " ": 2, "Some Key": 3 }, ctx)];
    expect(Object.keys(row ?? {})).toEqual(["_empty", "some_key", "_dlt_load_id", "_dlt_id"]);
  });

  it("keeps a _dlt_id brought by the item instead of generating one", () => {
    const [[, row] = []] = [...normalizeItem({ id: 1, _dlt_id: "mine" }, ctx)];
    expect(row?._dlt_id).toBe("mine");
  });

  it("skips a row's nested lists when the consumer answers false (discarded row)", () => {
    const gen = normalizeItem({ a: [1, 2], b: [{ c: [3] }] }, ctx);
    const first = gen.next();
    expect(first.value?.[0]).toBe("t");
    expect(gen.next(false).done).toBe(true);
  });

  it("skips only the discarded nested row's own children", () => {
    const gen = normalizeItem({ b: [{ c: [3] }, { c: [4] }] }, ctx);
    const tables: string[] = [gen.next().value?.[0] ?? ""];
    tables.push(gen.next().value?.[0] ?? ""); // t__b row 0
    let step = gen.next(false); // drop t__b[0] and its t__b__c rows
    while (!step.done) {
      tables.push(step.value[0]);
      step = gen.next();
    }
    expect(tables).toEqual(["t", "t__b", "t__b", "t__b__c"]);
  });

  it("yields rows lazily: a nested row is built only when it is pulled", () => {
    const read: string[] = [];
    const child = (name: string) => ({ get v() { read.push(name); return name; } });
    const gen = normalizeItem({ id: 1, list: [child("a"), child("b")], more: [child("c")] }, ctx);
    expect(gen.next().value?.[0]).toBe("t");
    expect(read).toEqual([]);
    expect(gen.next().value?.[1]).toMatchObject({ v: "a" });
    expect(read).toEqual(["a"]);
    expect(gen.next().value?.[1]).toMatchObject({ v: "b" });
    expect(read).toEqual(["a", "b"]);
    expect(gen.next().value?.[1]).toMatchObject({ v: "c" });
    expect(gen.next().done).toBe(true);
  });

  it("builds no nested row when the consumer skips the root's lists", () => {
    const read: string[] = [];
    const gen = normalizeItem({ id: 1, list: [{ get v() { read.push("a"); return 1; } }] }, ctx);
    gen.next();
    expect(gen.next(false).done).toBe(true);
    expect(read).toEqual([]);
  });

  it("keeps every nested value whole with max nesting 0", () => {
    const rows = [...normalizeItem({ a: { b: 1 }, l: [1] }, { ...ctx, maxTableNesting: 0 })];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[1]).toMatchObject({ a: { b: 1 }, l: [1] });
  });

  it("does not modify the item it normalizes", () => {
    const item = { a: { b: 1 }, l: [{ c: 1 }] };
    [...normalizeItem(item, ctx)];
    expect(item).toEqual({ a: { b: 1 }, l: [{ c: 1 }] });
  });

  it("names nested tables after the flattened path of the list", () => {
    const tables = [...normalizeItem({ Meta: { Tags: ["x"] } }, ctx)].map(([t, , parent]) => [t, parent]);
    expect(tables).toEqual([["t", undefined], ["t__meta__tags", "t"]]);
  });

  it("wraps dates and byte arrays as values instead of treating them as objects", () => {
    const when = new Date(0);
    const rows = [...normalizeItem(when, ctx)];
    expect(rows[0]?.[1].value).toBe(when);
  });
});
