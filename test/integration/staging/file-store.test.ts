import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileStore, type FileStore } from "../../../src/staging/file-store.js";
import { listAll, uploadAll } from "../../../src/staging/object-store.js";
import { deleteTableFiles } from "../../../src/staging/replace.js";

let root: string;
let store: FileStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "dlt-athena-file-store-"));
  store = createFileStore(join(root, "bucket"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe("FileStore", () => {
  it("puts Buffer, string, file and stream bodies and reads them back", async () => {
    const bytes = randomBytes(100_000);
    await writeFile(join(root, "src.parquet"), bytes);
    await store.put("shop/orders/a.parquet", bytes);
    await store.put("shop/init", '{"initial_version": 2}');
    await store.put("shop/orders/b.parquet", { path: join(root, "src.parquet") });
    await store.put("shop/orders/c.parquet", Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]));

    for (const key of ["a", "b", "c"]) expect((await store.get(`shop/orders/${key}.parquet`)).equals(bytes)).toBe(true);
    expect((await store.get("shop/init")).toString()).toBe('{"initial_version": 2}');
    expect(store.url).toBe(`file://${join(root, "bucket")}`);
  });

  it("answers exists and refuses a missing get with staging_object_not_found", async () => {
    await store.put("shop/orders/a.parquet", "x");
    expect(await store.exists("shop/orders/a.parquet")).toBe(true);
    expect(await store.exists("shop/orders")).toBe(false); // a folder is not an object
    expect(await store.exists("shop/orders/a.parquet/x")).toBe(false);
    await expect(store.get("shop/orders/zzz.parquet")).rejects.toMatchObject({ code: "staging_object_not_found" });
  });

  it("lists recursively in key order with S3 prefix semantics", async () => {
    for (const key of ["shop/orders/2024/04/b.parquet", "shop/orders/a.parquet", "shop/orders_archive/c.parquet", "shop/init"]) {
      await store.put(key, key);
    }
    expect((await listAll(store, "shop/orders/")).map((o) => o.key)).toEqual(["shop/orders/2024/04/b.parquet", "shop/orders/a.parquet"]);
    expect((await listAll(store, "shop/orders")).map((o) => o.key)).toEqual([
      "shop/orders/2024/04/b.parquet",
      "shop/orders/a.parquet",
      "shop/orders_archive/c.parquet",
    ]);
    expect((await listAll(store, "")).length).toBe(4);
    expect(await listAll(store, "nothing/")).toEqual([]);
    expect((await listAll(store, "shop/init"))[0]).toEqual({ key: "shop/init", size: "shop/init".length });
  });

  it("writes atomically: a failed stream leaves neither the object nor a temp file", async () => {
    await store.put("shop/orders/keep.parquet", "old");
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error("disk on fire"));
      },
    });
    await expect(store.put("shop/orders/keep.parquet", failing)).rejects.toMatchObject({ code: "staging_upload_failed" });
    expect((await store.get("shop/orders/keep.parquet")).toString()).toBe("old");
    expect(await allFiles(join(root, "bucket"))).toEqual(["shop/orders/keep.parquet"]);
  });

  it("hides stray temp files from listings", async () => {
    await mkdir(join(root, "bucket/shop/orders"), { recursive: true });
    await writeFile(join(root, "bucket/shop/orders/.dlt-athena-tmp-abc"), "partial");
    await store.put("shop/orders/a.parquet", "x");
    expect((await listAll(store, "shop/")).map((o) => o.key)).toEqual(["shop/orders/a.parquet"]);
  });

  it("refuses keys that escape the root", async () => {
    await expect(store.put("../outside", "x")).rejects.toMatchObject({ code: "invalid_staging_key" });
    await expect(store.put("/etc/passwd", "x")).rejects.toMatchObject({ code: "invalid_staging_key" });
    await expect(store.delete(["shop/../../x"])).rejects.toMatchObject({ code: "invalid_staging_key" });
  });

  it("deletes keys, missing ones included", async () => {
    await store.put("shop/orders/a.parquet", "x");
    await store.delete(["shop/orders/a.parquet", "shop/orders/never.parquet"]);
    expect(await store.exists("shop/orders/a.parquet")).toBe(false);
  });

  it("serves replace with the same guarantees as S3", async () => {
    const keys = ["shop/init", "shop/orders/1.parquet", "shop/orders/x/2.parquet", "shop/orders_archive/3.parquet", "shop/orders__items/4.parquet"];
    await uploadAll(store, keys.map((key) => ({ key, body: "x" })));
    const { deleted } = await deleteTableFiles(store, { datasetPrefix: "shop", tables: ["orders"], layout: "{table_name}/{load_id}.{file_id}.{ext}" });
    expect(deleted).toEqual(["shop/orders/1.parquet", "shop/orders/x/2.parquet"]);
    expect((await listAll(store, "shop/")).map((o) => o.key)).toEqual(["shop/init", "shop/orders__items/4.parquet", "shop/orders_archive/3.parquet"]);
  });
});
