/**
 * Faults on the AWS path: S3 answers 20% of requests with 503 SlowDown or a connection reset
 * (test/support/fault-proxy.ts) and Athena's API throttles 20% of calls (ThrottlingException,
 * TooManyRequestsException), with the default retry budget. A load of 200 files must complete in at
 * least 19 of 20 runs, with every file staged once under its own key and one `_dlt_loads` row per
 * load; the load info counts the retries per service.
 */
import { createServer, request, Agent } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipeline } from "../../src/pipeline/pipeline.js";
import type { LoadInfo } from "../../src/pipeline/load-info.js";
import { startAthenaServer, type FakeAthenaServer } from "../support/athena-server.js";
import { seededRandom, startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { startS3Server, type S3TestServer } from "../support/s3-server.js";
import { makeTempDir, writeFiles } from "../support/temp.js";
import { readdirSync } from "node:fs";

process.env["AWS_EC2_METADATA_DISABLED"] = "true";
process.env["DLT_ATHENA_POLL_MS"] = "5";

const RUNS = 20;
const FILES = 200;

interface Throttler {
  readonly endpoint: string;
  readonly stats: { calls: number; throttled: number };
  close(): Promise<void>;
}

/** A proxy in front of the fake Athena endpoint that answers a seeded share of calls with throttling. */
async function startAthenaThrottler(targetPort: number, rate: number, seed: number): Promise<Throttler> {
  const random = seededRandom(seed);
  const stats = { calls: 0, throttled: 0 };
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((req, res) => {
    stats.calls++;
    if (random() < rate) {
      stats.throttled++;
      const name = random() < 0.5 ? "ThrottlingException" : "TooManyRequestsException";
      req.resume();
      req.on("end", () => {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": name });
        res.end(JSON.stringify({ __type: name, message: "Rate exceeded" }));
      });
      return;
    }
    const upstream = request({ host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

let s3: S3TestServer;
let athena: FakeAthenaServer;
let s3Faults: FaultProxy;
let throttler: Throttler;
const temp = makeTempDir("dlt-athena-faults-");

beforeAll(async () => {
  [s3, athena] = await Promise.all([startS3Server(), startAthenaServer()]);
  s3Faults = await startFaultProxy({ targetPort: s3.port, faultRate: 0.2, seed: 20261203 });
  throttler = await startAthenaThrottler(Number(new URL(athena.endpoint).port), 0.2, 1203);
  writeFiles(temp.dir, {
    ".dlt/config.toml": [
      "[destination.filesystem]",
      `bucket_url = "s3://${s3.bucket}/lake"`,
      "[destination.athena]",
      'athena_work_group = "wg"',
      "[normalize.data_writer]",
      "file_max_items = 1",
      "",
    ].join("\n"),
    ".dlt/secrets.toml": [
      "[destination.filesystem.credentials]",
      'aws_access_key_id = "S3RVER"',
      'aws_secret_access_key = "S3RVER"',
      'region_name = "us-east-1"',
      `endpoint_url = "${s3Faults.endpoint}"`,
      "[destination.athena.credentials]",
      'aws_access_key_id = "AKIDFAULTS"',
      'aws_secret_access_key = "faults-secret"',
      'region_name = "us-east-1"',
      `endpoint_url = "${throttler.endpoint}"`,
      "",
    ].join("\n"),
  });
});

afterAll(async () => {
  await throttler?.close();
  await s3Faults?.close();
  await Promise.all([athena?.stop(), s3?.stop()]);
  temp.cleanup();
});

/** Keys of one table's files, read from s3rver's folder (not through the faulty proxy). */
function stagedKeys(dataset: string, table: string): string[] {
  const folder = join(s3.directory, s3.bucket, "lake", dataset, table);
  try {
    return readdirSync(folder).filter((name) => name.endsWith("._S3rver_object"));
  } catch {
    return [];
  }
}

describe("a 200-file load with 20% S3 faults and 20% Athena throttling", () => {
  it(`completes in at least ${RUNS - 1} of ${RUNS} runs, nothing lost or duplicated, retries counted per service`, async () => {
    const outcomes: Array<{ ok: boolean; info?: LoadInfo; error?: string }> = [];
    for (let run = 0; run < RUNS; run++) {
      const dataset = `faults_${run}_data`;
      const p = pipeline({ pipelineName: `faults_${run}`, destination: "athena", datasetName: dataset, projectDir: temp.dir, pipelinesDir: join(temp.dir, "pipelines") });
      const rows = Array.from({ length: FILES }, (_, i) => ({ id: i + 1, run }));
      try {
        const info = await p.run(rows, { tableName: "events" });
        outcomes.push({ ok: true, info });
        const keys = stagedKeys(dataset, "events");
        expect(keys).toHaveLength(FILES);
        expect(new Set(keys).size).toBe(FILES);
        expect(info.tables.find((t) => t.name === "events")).toMatchObject({ rows: FILES, files: FILES });
        const loadRows = athena.queries.filter((sql) => sql.startsWith(`INSERT INTO "awsdatacatalog"."${dataset}"."_dlt_loads"`));
        expect(loadRows).toHaveLength(1);
      } catch (error) {
        outcomes.push({ ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const failures = outcomes.filter((o) => !o.ok).map((o) => o.error);
    expect(failures.length, failures.join("\n")).toBeLessThanOrEqual(1);
    expect(s3Faults.stats.slowdowns + s3Faults.stats.resets).toBeGreaterThan(100);
    expect(throttler.stats.throttled).toBeGreaterThan(20);
    const retries = outcomes.reduce((sum, o) => ({ s3: sum.s3 + (o.info?.retries.s3 ?? 0), athena: sum.athena + (o.info?.retries.athena ?? 0) }), { s3: 0, athena: 0 });
    // Every injected fault on a successful run is retried once; the counts see them.
    expect(retries.s3).toBeGreaterThan(100);
    expect(retries.athena).toBeGreaterThan(20);
    const summary = outcomes.find((o) => o.info && o.info.retries.s3 > 0)!.info!;
    expect(summary.toString()).toMatch(/retries: s3 \d+, athena \d+/);
    expect(summary.toJSON()).toMatchObject({ retries: { s3: expect.any(Number), athena: expect.any(Number) } });
  });
});
