import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../../src/config/resolve.js";
import { openEngine } from "../../../src/destination/factory.js";
import { startFaultProxy, type FaultProxy } from "../../support/fault-proxy.js";
import { startS3Server, type S3TestServer } from "../../support/s3-server.js";
import { makeTempDir } from "../../support/temp.js";

// `[destination.filesystem] max_retries` bounds how often the staging store tries one upload:
// with a proxy failing every request, the requests it sees are the attempts made. With 1, an
// upload is tried at most twice (once, plus at most one retry); the default tries it 5 times or more.
let server: S3TestServer;
let proxy: FaultProxy;
let temp: { dir: string; cleanup: () => void };

beforeAll(async () => {
  server = await startS3Server();
  proxy = await startFaultProxy({ targetPort: server.port, faultRate: 1, modes: ["slowdown"] });
  temp = makeTempDir();
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  temp?.cleanup();
});

async function attemptsOfOneUpload(env: Record<string, string>): Promise<number> {
  const config = resolveConfig({
    projectDir: temp.dir,
    env: {
      DESTINATION__FILESYSTEM__BUCKET_URL: `s3://${server.bucket}/raw`,
      DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID: "S3RVER",
      DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY: "S3RVER",
      DESTINATION__FILESYSTEM__CREDENTIALS__REGION_NAME: "us-east-1",
      DESTINATION__FILESYSTEM__CREDENTIALS__ENDPOINT_URL: proxy.endpoint,
      ...env,
    },
  });
  const engine = await openEngine(config, { catalog: "awsdatacatalog", datasetName: "shop_data" });
  const before = proxy.stats.requests;
  try {
    await expect(engine.store.put("shop_data/orders/1.a.parquet", "x")).rejects.toThrow();
  } finally {
    await engine.client.close();
  }
  return proxy.stats.requests - before;
}

describe("[destination.filesystem] max_retries", () => {
  it("max_retries = 1 gives up on a failing upload after at most two attempts; the default retries more", async () => {
    const limited = await attemptsOfOneUpload({ DESTINATION__FILESYSTEM__MAX_RETRIES: "1" });
    expect(limited).toBeGreaterThanOrEqual(1);
    expect(limited).toBeLessThanOrEqual(2);
    const byDefault = await attemptsOfOneUpload({});
    expect(byDefault).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
