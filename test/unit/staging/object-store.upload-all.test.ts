import { describe, expect, it } from "vitest";
import { uploadAll, type ObjectStore } from "../../../src/staging/object-store.js";

function slowStore(failOn?: string): ObjectStore & { maxInFlight: number; done: string[] } {
  let inFlight = 0;
  const state = { maxInFlight: 0, done: [] as string[] };
  return Object.assign(state, {
    url: "mem://",
    put: async (key: string) => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (key === failOn) throw new Error(`failed ${key}`);
      state.done.push(key);
    },
    get: async () => Buffer.alloc(0),
    exists: async () => false,
    list: async function* () {},
    delete: async () => {},
  });
}

describe("uploadAll", () => {
  const items = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, body: "x" }));

  it("keeps at most 8 uploads in flight by default and uploads everything", async () => {
    const store = slowStore();
    await uploadAll(store, items);
    expect(store.maxInFlight).toBe(8);
    expect(store.done.sort()).toEqual(items.map((i) => i.key).sort());
  });

  it("honours a configured concurrency", async () => {
    const store = slowStore();
    await uploadAll(store, items, { concurrency: 3 });
    expect(store.maxInFlight).toBe(3);
  });

  it("stops starting uploads after the first failure and throws it", async () => {
    const store = slowStore("k5");
    await expect(uploadAll(store, items, { concurrency: 2 })).rejects.toThrow("failed k5");
    expect(store.done.length).toBeLessThan(10);
  });

  it("does nothing for an empty list", async () => {
    await expect(uploadAll(slowStore(), [])).resolves.toBeUndefined();
  });
});
