/**
 * Upload throughput of the S3 staging store against a local s3rver (started here, on
 * 127.0.0.1): 200 files of 1 MiB with the default upload concurrency (8), and one 200 MiB file
 * through multipart (16 MiB parts, 4 in flight). Files are written to a temp folder before the
 * clock starts, so the figures measure upload only. `npm run bench` calls {@link benchUpload}.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { uploadAll } from "../src/staging/object-store.js";
import { createS3Store } from "../src/staging/s3-store.js";
import { s3TestOptions, startS3Server } from "../test/support/s3-server.js";

const MiB = 1024 * 1024;

export interface UploadBenchOptions {
  readonly smallFiles?: number;
  readonly smallFileBytes?: number;
  readonly bigFileBytes?: number;
}

/**
 * Runs both measurements and returns MiB/s.
 *
 * @example
 * const { smallFilesMBps, bigFileMBps } = await benchUpload();
 * console.log(`200 x 1 MB: ${smallFilesMBps.toFixed(0)} MB/s, 200 MB: ${bigFileMBps.toFixed(0)} MB/s`);
 */
export async function benchUpload(options: UploadBenchOptions = {}): Promise<{ smallFilesMBps: number; bigFileMBps: number }> {
  const smallFiles = options.smallFiles ?? 200;
  const smallFileBytes = options.smallFileBytes ?? MiB;
  const bigFileBytes = options.bigFileBytes ?? 200 * MiB;
  const server = await startS3Server({ bucket: "bench" });
  const work = await mkdtemp(join(tmpdir(), "dlt-athena-bench-"));
  const store = createS3Store(s3TestOptions(server.endpoint, "s3://bench/raw"));
  try {
    const items = [];
    for (let i = 0; i < smallFiles; i++) {
      const path = join(work, `small-${i}.parquet`);
      await writeFile(path, randomBytes(smallFileBytes));
      items.push({ key: `bench/small/${i}.parquet`, body: { path } });
    }
    const bigPath = join(work, "big.parquet");
    await writeFile(bigPath, randomBytes(bigFileBytes));

    let start = performance.now();
    await uploadAll(store, items);
    const smallSeconds = (performance.now() - start) / 1000;

    start = performance.now();
    await store.put("bench/big/big.parquet", { path: bigPath });
    const bigSeconds = (performance.now() - start) / 1000;

    return {
      smallFilesMBps: (smallFiles * smallFileBytes) / MiB / smallSeconds,
      bigFileMBps: bigFileBytes / MiB / bigSeconds,
    };
  } finally {
    store.destroy();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}
