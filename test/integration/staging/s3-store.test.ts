import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAll, uploadAll } from "../../../src/staging/object-store.js";
import { deleteTableFiles } from "../../../src/staging/replace.js";
import { createS3Store, type S3Store } from "../../../src/staging/s3-store.js";
import { s3TestOptions, startS3Server, type S3TestServer } from "../../support/s3-server.js";

const LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}";
const MiB = 1024 * 1024;

let server: S3TestServer;
let store: S3Store;
let work: string;

beforeAll(async () => {
  server = await startS3Server();
  store = createS3Store(s3TestOptions(server.endpoint, `s3://${server.bucket}/raw/`));
  work = await mkdtemp(join(tmpdir(), "dlt-athena-s3-test-"));
});

afterAll(async () => {
  store?.destroy();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** s3rver keeps each object's raw bytes in one file; reading it proves what was stored. */
function onDisk(key: string): Promise<Buffer> {
  return readFile(join(server.directory, server.bucket, "raw", `${key}._S3rver_object`));
}

describe("S3Store against s3rver", () => {
  it("puts and gets small Buffer, string and file bodies under the bucket prefix", async () => {
    const bytes = randomBytes(1234);
    const file = join(work, "small.parquet");
    await writeFile(file, bytes);
    await store.put("shop/orders/a.parquet", bytes);
    await store.put("shop/init", '{"initial_version": 2, "current_version": 2}');
    await store.put("shop/orders/b.parquet", { path: file });

    expect(await store.get("shop/orders/a.parquet")).toEqual(bytes);
    expect((await store.get("shop/init")).toString()).toBe('{"initial_version": 2, "current_version": 2}');
    expect(await store.get("shop/orders/b.parquet")).toEqual(bytes);
    expect(await onDisk("shop/orders/a.parquet")).toEqual(bytes);
    expect(await store.exists("shop/orders/a.parquet")).toBe(true);
    expect(await store.exists("shop/orders/missing.parquet")).toBe(false);
    await expect(store.get("shop/orders/missing.parquet")).rejects.toMatchObject({ code: "staging_object_not_found" });
  });

  it("stores a stream body byte for byte (no aws-chunked framing)", async () => {
    const bytes = randomBytes(3 * MiB + 17);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536));
    await store.put("shop/stream/s.parquet", Readable.from(chunks));
    expect((await onDisk("shop/stream/s.parquet")).equals(bytes)).toBe(true);
    expect((await store.get("shop/stream/s.parquet")).equals(bytes)).toBe(true);
  });

  it("uploads a 20 MB file as multipart, byte-identical", async () => {
    const bytes = randomBytes(20 * MiB);
    const file = join(work, "big.parquet");
    await writeFile(file, bytes);
    await store.put("shop/big/big.parquet", { path: file });
    expect((await onDisk("shop/big/big.parquet")).equals(bytes)).toBe(true);
    const [info] = await listAll(store, "shop/big/");
    expect(info).toEqual({ key: "shop/big/big.parquet", size: 20 * MiB });
  });

  it("lists past 1000 keys, in key order, and replace deletes exactly the table's files", async () => {
    const keys = Array.from({ length: 1100 }, (_, i) => `shop/events/1714392000.1.${String(i).padStart(5, "0")}.parquet`);
    const bystanders = [
      "shop/events_archive/1.parquet",
      "shop/events__items/1.parquet",
      "shop/eventsx.parquet",
      "shop_staging/events/1.parquet",
    ];
    await uploadAll(store, [...keys, ...bystanders].map((key) => ({ key, body: "x" })), { concurrency: 16 });

    const listed = await listAll(store, "shop/events/");
    expect(listed.map((o) => o.key)).toEqual(keys);
    // Small pages exercise the continuation token path (needs s3rver's legacy OpenSSL provider).
    const paged = createS3Store(s3TestOptions(server.endpoint, `s3://${server.bucket}/raw`, { listPageSize: 300 }));
    expect((await listAll(paged, "shop/events/")).length).toBe(1100);
    paged.destroy();

    const { deleted } = await deleteTableFiles(store, { datasetPrefix: "shop", tables: ["events"], layout: LAYOUT });
    expect(deleted).toHaveLength(1100);
    expect(await listAll(store, "shop/events/")).toEqual([]);
    for (const key of [...bystanders, "shop/init"]) expect(await store.exists(key)).toBe(true);
  });

  it("replace never reaches outside the bucket prefix or the dataset", async () => {
    const root = createS3Store(s3TestOptions(server.endpoint, `s3://${server.bucket}`));
    await root.put("shop/orders/outside-prefix.parquet", "x"); // same path, but not under raw/
    await store.put("shop/orders/1.parquet", "x");
    await store.put("other/orders/1.parquet", "x");

    const { deleted } = await deleteTableFiles(store, { datasetPrefix: "shop", tables: ["orders"], layout: LAYOUT });
    expect(deleted).toContain("shop/orders/1.parquet");
    expect(await root.exists("shop/orders/outside-prefix.parquet")).toBe(true);
    expect(await store.exists("other/orders/1.parquet")).toBe(true);
    await expect(deleteTableFiles(store, { datasetPrefix: "", tables: ["orders"], layout: LAYOUT })).rejects.toThrow(/dataset name/);
    await expect(deleteTableFiles(store, { datasetPrefix: "/", tables: ["orders"], layout: LAYOUT })).rejects.toThrow(/dataset name/);
    root.destroy();
  });

  it("deletes missing keys without complaint", async () => {
    await expect(store.delete(["shop/nothing/here.parquet"])).resolves.toBeUndefined();
  });

  it("names the key and the bucket in a terminal error", async () => {
    const wrong = createS3Store(s3TestOptions(server.endpoint, "s3://no-such-bucket/raw", { retry: { attempts: 2, baseMs: 1, capMs: 1 } }));
    const error = await wrong.put("shop/orders/1.parquet", "x").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "staging_request_failed", kind: "load", isTransient: false });
    expect((error as Error).message).toContain("s3://no-such-bucket/raw/shop/orders/1.parquet");
    expect((error as Error).message).toContain("NoSuchBucket");
    expect((error as Error).message).not.toContain("S3RVER");
    wrong.destroy();
  });
});
