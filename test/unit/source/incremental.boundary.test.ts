import { describe, expect, it } from "vitest";
import { incremental } from "../../../src/source/incremental.js";
import type { IncrementalState } from "../../../src/source/incremental.js";

describe("incremental cursor", () => {
  it("keeps everything on the first run and remembers the newest value and its items", () => {
    const cursor = incremental<number>("updated", { primaryKey: "id" });
    const state = cursor.bind(undefined);
    const kept = cursor.filter([{ id: 1, updated: 10 }, { id: 2, updated: 30 }, { id: 3, updated: 30 }, { id: 4, updated: 20 }], "r");
    expect(kept.map((i) => i.id)).toEqual([1, 2, 3, 4]);
    expect(state.last_value).toBe(30);
    expect(state.unique_hashes).toHaveLength(2);
  });

  it("drops items before the last value and items at it that were loaded, keeping new ones at it", () => {
    const first = incremental<number>("updated", { primaryKey: "id" });
    const state = first.bind(undefined);
    first.filter([{ id: 1, updated: 10 }, { id: 2, updated: 30 }], "r");

    const second = incremental<number>("updated", { primaryKey: "id" });
    const next = second.bind(JSON.parse(JSON.stringify(state)) as IncrementalState);
    expect(second.lastValue).toBe(30);
    const kept = second.filter([{ id: 1, updated: 10 }, { id: 2, updated: 30 }, { id: 5, updated: 30 }, { id: 6, updated: 31 }], "r");
    expect(kept.map((i) => i.id)).toEqual([5, 6]);
    expect(next.last_value).toBe(31);
  });

  it("compares against the run's start value, so out-of-order items are not lost", () => {
    const cursor = incremental<number>("n");
    cursor.bind({ last_value: 5, unique_hashes: [] });
    expect(cursor.filter([{ n: 9 }, { n: 6 }, { n: 4 }], "r").map((i) => i.n)).toEqual([9, 6]);
    expect(cursor.startValue).toBe(5);
  });

  it("starts from the initial value and supports min as the last-value function", () => {
    const cursor = incremental<number>("n", { initialValue: 100, lastValueFunc: "min" });
    const state = cursor.bind(undefined);
    expect(cursor.filter([{ n: 120 }, { n: 90 }, { n: 80 }], "r").map((i) => i.n)).toEqual([90, 80]);
    expect(state.last_value).toBe(80);
  });

  it("loads a closed-open range with an end value and leaves the state alone", () => {
    const cursor = incremental<string>("day", { initialValue: "2024-01-02", endValue: "2024-01-04" });
    const state = cursor.bind({ last_value: "2024-03-01", unique_hashes: ["x"] });
    const kept = cursor.filter([{ day: "2024-01-01" }, { day: "2024-01-02" }, { day: "2024-01-03" }, { day: "2024-01-04" }], "r");
    expect(kept.map((i) => i.day)).toEqual(["2024-01-02", "2024-01-03"]);
    expect(state.last_value).toBe("2024-01-02");
  });

  it("stores Date cursors as dlt's typed datetime text and restores them as Dates", () => {
    const cursor = incremental<Date>("at");
    const state = cursor.bind(undefined);
    cursor.filter([{ at: new Date("2024-05-01T00:00:00.000Z") }], "r");
    expect(state.last_value).toBe("\uf0272024-05-01T00:00:00+00:00");

    const again = incremental<Date>("at");
    again.bind(JSON.parse(JSON.stringify(state)) as IncrementalState);
    expect(again.lastValue).toEqual(new Date("2024-05-01T00:00:00.000Z"));
    const kept = again.filter([{ at: new Date("2024-04-30T00:00:00.000Z") }, { at: new Date("2024-05-02T00:00:00.000Z") }], "r");
    expect(kept).toHaveLength(1);
    // Plain ISO text written by earlier versions still compares.
    const old = incremental<Date>("at");
    old.bind({ last_value: "2024-05-01T00:00:00.000Z", unique_hashes: [] });
    expect(old.filter([{ at: new Date("2024-04-30T00:00:00.000Z") }], "r")).toHaveLength(0);
  });

  it("keeps bigint cursors bigint across runs, exactly beyond 2^53", () => {
    const cursor = incremental<bigint>("n");
    const state = cursor.bind(undefined);
    cursor.filter([{ n: 9007199254740995n }], "r");
    const again = incremental<bigint>("n");
    again.bind(JSON.parse(JSON.stringify(state)) as IncrementalState);
    expect(again.lastValue).toBe(9007199254740995n);
    expect(again.filter([{ n: 9007199254740994n }, { n: 9007199254740997n }], "r")).toEqual([{ n: 9007199254740997n }]);
    const small = incremental<bigint>("n");
    const smallState = small.bind(undefined);
    small.filter([{ n: 5n }], "r");
    const smallAgain = incremental<bigint>("n");
    smallAgain.bind(JSON.parse(JSON.stringify(smallState)) as IncrementalState);
    expect(smallAgain.lastValue).toBe(5n);
  });

  it("names the resource and cursor path when an item lacks the cursor", () => {
    const cursor = incremental("meta.updated");
    cursor.bind(undefined);
    expect(() => cursor.filter([{ meta: {} }], "issues")).toThrow(/Resource "issues".*"meta\.updated"/);
  });
});

describe("boundary hashes", () => {
  // Expected values computed by dlt 1.31 (`dlt.extract.utils.digest_dedup_value`).
  const hashOf = (item: Record<string, unknown>, primaryKey?: string | string[], cursorPath = "c") => {
    const cursor = incremental(cursorPath, primaryKey === undefined ? {} : { primaryKey });
    const state = cursor.bind(undefined);
    cursor.filter([item], "r");
    return state.unique_hashes[0];
  };

  it("are dlt's, so either tool continues the other's state without duplicates", () => {
    expect(hashOf({ id: 2, c: 1 }, "id")).toBe("Tp44cKMYfAuJ");
    expect(hashOf({ id: 1, k: "x", c: 1 }, ["id", "k"])).toBe("T2u7rnGEfmXm");
    expect(hashOf({ id: 2, updated: 20, s: "open" }, undefined, "updated")).toBe("Mb4Ufjlm+NZU");
    expect(hashOf({ at: new Date("2024-01-01T00:00:00Z") }, "at", "at")).toBe("h/U5EKOHERSH");
  });

  it("still match the hashes earlier versions kept", () => {
    const cursor = incremental("c", { primaryKey: "id" });
    // sha256-based, 22 characters: what a state written before this version holds for id 2.
    cursor.bind({ last_value: 1, unique_hashes: ["1Lb4f3f2V4r0f5gYx2x9sQ"] });
    const legacy = (cursor as unknown as { legacyHashOf(item: unknown): string }).legacyHashOf({ id: 2, c: 1 });
    const again = incremental("c", { primaryKey: "id" });
    again.bind({ last_value: 1, unique_hashes: [legacy] });
    expect(again.filter([{ id: 2, c: 1 }, { id: 3, c: 1 }], "r")).toEqual([{ id: 3, c: 1 }]);
  });
});
