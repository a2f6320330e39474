import { describe, expect, it } from "vitest";
import { assertDeletable, deleteTableFiles } from "../../../src/staging/replace.js";
import type { ObjectInfo, ObjectStore } from "../../../src/staging/object-store.js";

const LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}";

/** An in-memory store whose listing can misbehave, to prove the guard does not trust it. */
function memoryStore(keys: string[], options: { ignorePrefix?: boolean } = {}): ObjectStore & { batches: string[][] } {
  const objects = new Set(keys);
  const batches: string[][] = [];
  return {
    url: "mem://bucket",
    batches,
    put: async (key) => void objects.add(key),
    get: async () => Buffer.alloc(0),
    exists: async (key) => objects.has(key),
    async *list(prefix: string): AsyncIterable<ObjectInfo> {
      for (const key of [...objects].sort()) if (options.ignorePrefix || key.startsWith(prefix)) yield { key, size: 0 };
    },
    delete: async (toDelete) => {
      batches.push([...toDelete]);
      for (const key of toDelete) objects.delete(key);
    },
  };
}

describe("assertDeletable", () => {
  it("accepts a key inside the table folder", () => {
    expect(() => assertDeletable("shop/orders/1.a.parquet", "shop/", "shop/orders/", "s3://b")).not.toThrow();
  });

  it.each([
    ["other/orders/1.parquet", "shop/", "shop/orders/", "outside the dataset folder"],
    ["shop/init", "shop/", "shop/", "not a folder inside the dataset"],
    ["shop/orders_archive/1.parquet", "shop/", "shop/orders/", "outside the table folder"],
    ["shop/orders/../x", "shop/", "shop/orders/", "'..'"],
    ["anything", "", "orders/", "cover the whole bucket"],
    ["anything", "/", "/orders/", "cover the whole bucket"],
  ])("refuses %s", (key, dataset, folder, why) => {
    expect(() => assertDeletable(key, dataset, folder, "s3://b")).toThrow(why);
  });
});

describe("deleteTableFiles", () => {
  const keys = [
    "shop/init",
    "shop/orders/1.a.parquet",
    "shop/orders/2024/1.b.parquet",
    "shop/orders_archive/1.c.parquet",
    "shop/orders__items/1.d.parquet",
    "shop/ordersx.parquet",
    "shop_staging/orders/1.e.parquet",
    "other/orders/1.f.parquet",
  ];

  it("deletes only the named tables' folders", async () => {
    const store = memoryStore(keys);
    const { deleted } = await deleteTableFiles(store, { datasetPrefix: "shop", tables: ["orders"], layout: LAYOUT });
    expect(deleted).toEqual(["shop/orders/1.a.parquet", "shop/orders/2024/1.b.parquet"]);
  });

  it("deletes child tables when they are named", async () => {
    const store = memoryStore(keys);
    const { deleted } = await deleteTableFiles(store, { datasetPrefix: "shop/", tables: ["orders", "orders__items", "orders"], layout: LAYOUT });
    expect(deleted).toEqual(["shop/orders/1.a.parquet", "shop/orders/2024/1.b.parquet", "shop/orders__items/1.d.parquet"]);
  });

  it("follows a layout with literal text before the table folder", async () => {
    const store = memoryStore(["shop/data/orders/1.parquet", "shop/orders/2.parquet"]);
    const { deleted } = await deleteTableFiles(store, { datasetPrefix: "shop", tables: ["orders"], layout: "data/{table_name}/{file_id}.{ext}" });
    expect(deleted).toEqual(["shop/data/orders/1.parquet"]);
  });

  it("refuses (and deletes nothing) when a listing returns keys outside the table folder", async () => {
    const store = memoryStore(keys, { ignorePrefix: true });
    await expect(deleteTableFiles(store, { datasetPrefix: "shop", tables: ["orders"], layout: LAYOUT })).rejects.toMatchObject({
      code: "unsafe_delete_refused",
    });
    expect(store.batches).toEqual([]);
  });

  it("refuses an empty dataset name", async () => {
    await expect(deleteTableFiles(memoryStore(keys), { datasetPrefix: "", tables: ["orders"], layout: LAYOUT })).rejects.toThrow(/Invalid dataset name/);
  });

  it("deletes in batches of 1000", async () => {
    const many = Array.from({ length: 2500 }, (_, i) => `shop/t/${String(i).padStart(5, "0")}.parquet`);
    const store = memoryStore(many);
    const { deleted } = await deleteTableFiles(store, { datasetPrefix: "shop", tables: ["t"], layout: LAYOUT });
    expect(deleted).toHaveLength(2500);
    expect(store.batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
  });
});
