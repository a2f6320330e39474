import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAll, uploadAll, type UploadItem } from "../../../src/staging/object-store.js";
import { deleteTableFiles } from "../../../src/staging/replace.js";
import { createS3Store } from "../../../src/staging/s3-store.js";
import { startFaultProxy, type FaultProxy } from "../../support/fault-proxy.js";
import { s3TestOptions, startS3Server, type S3TestServer } from "../../support/s3-server.js";

const MiB = 1024 * 1024;
// Fast backoff keeps the suite quick; the policy (attempts, jitter) is what is under test.
const RETRY = { attempts: 12, baseMs: 2, capMs: 40 };

let server: S3TestServer;
let proxy: FaultProxy;
let work: string;

beforeAll(async () => {
  server = await startS3Server();
  proxy = await startFaultProxy({ targetPort: server.port, faultRate: 0.3, seed: 20240429 });
  work = await mkdtemp(join(tmpdir(), "dlt-athena-faults-"));
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("S3Store through a proxy that fails 30% of requests", () => {
  it("completes a load with every object present exactly once and byte-correct", async () => {
    proxy.setFaultRate(0.3);
    const store = createS3Store(s3TestOptions(proxy.endpoint, `s3://${server.bucket}/raw`, { retry: RETRY }));
    const expected = new Map<string, string>();
    const items: UploadItem[] = [];
    for (let i = 0; i < 60; i++) {
      const bytes = randomBytes(8_192 + i * 997);
      const key = `shop/orders/1714392000.1.${String(i).padStart(3, "0")}.parquet`;
      expected.set(key, sha(bytes));
      // Alternate body kinds: Buffers and files are both replayed on retry.
      if (i % 2 === 0) {
        items.push({ key, body: bytes });
      } else {
        const file = join(work, `${i}.parquet`);
        await writeFile(file, bytes);
        items.push({ key, body: { path: file } });
      }
    }
    // One multipart upload: its parts are retried one by one by the SDK under our policy.
    const big = randomBytes(18 * MiB);
    await writeFile(join(work, "big.parquet"), big);
    items.push({ key: "shop/orders/1714392000.1.big.parquet", body: { path: join(work, "big.parquet") } });
    expected.set("shop/orders/1714392000.1.big.parquet", sha(big));

    await uploadAll(store, items, { concurrency: 8 });
    expect(proxy.stats.slowdowns).toBeGreaterThan(0);
    expect(proxy.stats.resets).toBeGreaterThan(0);

    // Listing and reading also go through the faulty proxy, and also recover.
    const listed = await listAll(store, "shop/orders/");
    expect(listed.map((o) => o.key).sort()).toEqual([...expected.keys()].sort());
    for (const [key, digest] of expected) expect(sha(await store.get(key))).toBe(digest);

    const { deleted } = await deleteTableFiles(store, { datasetPrefix: "shop", tables: ["orders"], layout: "{table_name}/{file_id}.{ext}" });
    expect(deleted).toHaveLength(expected.size);
    proxy.setFaultRate(0);
    expect(await listAll(store, "shop/orders/")).toEqual([]);
    store.destroy();
  });

  it("gives up after the attempt limit with a transient error that names the key", async () => {
    proxy.setFaultRate(1);
    const store = createS3Store(s3TestOptions(proxy.endpoint, `s3://${server.bucket}/raw`, { retry: { attempts: 3, baseMs: 1, capMs: 5 } }));
    const error = await store.put("shop/orders/doomed.parquet", "x").catch((e: unknown) => e);
    proxy.setFaultRate(0);
    expect(error).toMatchObject({ code: "staging_retries_exhausted", kind: "load", isTransient: true });
    expect((error as Error).message).toMatch(/^S3 PutObject of s3:\/\/test-bucket\/raw\/shop\/orders\/doomed\.parquet failed after 3 attempts/);
    expect(await store.exists("shop/orders/doomed.parquet")).toBe(false);
    store.destroy();
  });
});
