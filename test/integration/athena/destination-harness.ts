/**
 * Shared setup for the whole-stack Athena destination tests: `pipeline({ destination: "athena" })`
 * with the real SDKs on the wire, against the fake Athena endpoint and a real s3rver. Each test
 * gets a fresh project folder whose `.dlt/config.toml` and `.dlt/secrets.toml` point both clients
 * at the local servers, exactly as a user would configure an Athena-compatible endpoint.
 */
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { pipeline, type Pipeline } from "../../../src/pipeline/pipeline.js";
import { startAthenaServer, type FakeAthenaServer } from "../../support/athena-server.js";
import { DltTablesModel } from "../../support/dlt-tables-model.js";
import { startS3Server, type S3TestServer } from "../../support/s3-server.js";
import { makeTempDir, writeFiles } from "../../support/temp.js";

export const BUCKET_PREFIX = "lake";
export const WORK_GROUP = "etl_wg";
export const CATALOG = "awsdatacatalog";
export const ATHENA_KEYS = { accessKeyId: "AKIDTEST", secretAccessKey: "athena-test-secret-123" } as const;

// The SDKs must never wander off to the instance metadata service for credentials or region.
process.env["AWS_EC2_METADATA_DISABLED"] = "true";
// The fake endpoint answers at once: poll it every 5 ms, not Athena's 100 ms and up (client.ts test hook).
process.env["DLT_ATHENA_POLL_MS"] = "5";

export interface Servers {
  readonly athena: FakeAthenaServer;
  readonly s3: S3TestServer;
  /** A recording proxy in front of s3rver; projects point `endpoint_url` at it. */
  readonly s3Log: S3Log;
  /**
   * Called when an unscripted query finishes on the fake endpoint (after its polls), i.e. while
   * the product waits for it: tests look at the bucket at that moment. Reset by `reset()`.
   */
  onQuery: ((sql: string) => void) | undefined;
  /** Forgets the endpoint's requests and rules, the S3 log and the query hook. */
  reset(): void;
  stop(): Promise<void>;
}

/** One S3 request as it went through the proxy; `deleted` lists the keys of a DeleteObjects. */
export interface S3Request {
  readonly method: string;
  /** The key relative to the bucket (`lake/shop_data/orders/…`), or "" for bucket operations. */
  readonly key: string;
  readonly query: string;
  readonly deleted?: readonly string[];
}

export interface S3Log {
  readonly endpoint: string;
  readonly requests: S3Request[];
  close(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  let hook: ((sql: string) => void) | undefined;
  let root = "";
  // The endpoint keeps dlt's tables from what it is sent, so a second run finds its state.
  const tables = new DltTablesModel(() => root);
  const [athena, s3] = await Promise.all([
    startAthenaServer({
      executor: (sql) => {
        hook?.(sql);
        return tables.execute(sql);
      },
    }),
    startS3Server(),
  ]);
  root = join(s3.directory, s3.bucket, BUCKET_PREFIX);
  const s3Log = await startS3Log(s3);
  return {
    athena,
    s3,
    s3Log,
    get onQuery() {
      return hook;
    },
    set onQuery(value) {
      hook = value;
    },
    reset() {
      athena.reset();
      tables.reset();
      s3Log.requests.length = 0;
      hook = undefined;
    },
    stop: async () => {
      await s3Log.close();
      await Promise.all([athena.stop(), s3.stop()]);
    },
  };
}

/**
 * A pass-through HTTP proxy in front of s3rver that records method, key and, for DeleteObjects,
 * the deleted keys, in arrival order. Headers pass untouched, so SigV4 still verifies upstream.
 */
async function startS3Log(s3: S3TestServer): Promise<S3Log> {
  const requests: S3Request[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, "");
    const key = path.startsWith(`${s3.bucket}/`) ? path.slice(s3.bucket.length + 1) : "";
    const chunks: Buffer[] = [];
    const isDelete = req.method === "POST" && url.searchParams.has("delete");
    const upstream = request(
      { host: "127.0.0.1", port: s3.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => req.socket.destroy());
    req.on("data", (chunk: Buffer) => {
      if (isDelete) chunks.push(chunk);
    });
    req.on("end", () => {
      const entry: S3Request = { method: req.method ?? "", key, query: url.search };
      if (isDelete) {
        const body = Buffer.concat(chunks).toString("utf8");
        requests.push({ ...entry, deleted: [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1] ?? "") });
      } else {
        requests.push(entry);
      }
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface ProjectOptions {
  /** Extra `[destination.athena]` lines, e.g. `query_result_bucket = "s3://results/q"`. */
  readonly athena?: Readonly<Record<string, string | boolean | number>>;
}

export interface Project {
  readonly dir: string;
  readonly pipelinesDir: string;
  /** A pipeline on this project; the same name shares one working folder. */
  pipeline(name?: string, datasetName?: string): Pipeline;
  cleanup(): void;
}

/** A temp project whose config points Athena and S3 at the test servers. */
export function makeProject(servers: Servers, options: ProjectOptions = {}): Project {
  const temp = makeTempDir("dlt-athena-dest-");
  const athenaLines = Object.entries({ athena_work_group: WORK_GROUP, ...options.athena }).map(
    ([key, value]) => `${key} = ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
  );
  writeFiles(temp.dir, {
    ".dlt/config.toml": [
      "[destination.filesystem]",
      `bucket_url = "s3://${servers.s3.bucket}/${BUCKET_PREFIX}"`,
      "",
      "[destination.athena]",
      ...athenaLines,
      "",
    ].join("\n"),
    ".dlt/secrets.toml": [
      "[destination.filesystem.credentials]",
      'aws_access_key_id = "S3RVER"',
      'aws_secret_access_key = "S3RVER"',
      'region_name = "us-east-1"',
      `endpoint_url = "${servers.s3Log.endpoint}"`,
      "",
      "[destination.athena.credentials]",
      `aws_access_key_id = "${ATHENA_KEYS.accessKeyId}"`,
      `aws_secret_access_key = "${ATHENA_KEYS.secretAccessKey}"`,
      'region_name = "us-east-1"',
      `endpoint_url = "${servers.athena.endpoint}"`,
      "",
    ].join("\n"),
  });
  const pipelinesDir = join(temp.dir, "pipelines");
  return {
    dir: temp.dir,
    pipelinesDir,
    pipeline: (name = "shop", datasetName = "shop_data") =>
      pipeline({ pipelineName: name, destination: "athena", staging: "filesystem", datasetName, projectDir: temp.dir, pipelinesDir }),
    cleanup: temp.cleanup,
  };
}

/** Every object key in the bucket (relative to the bucket), sorted; read from s3rver's folder. */
export function bucketKeys(s3: S3TestServer): string[] {
  const root = join(s3.directory, s3.bucket);
  const keys: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith("._S3rver_object")) keys.push(relative(root, path).slice(0, -"._S3rver_object".length));
    }
  };
  walk(root);
  return keys.sort();
}

/** Keys under `<prefix>/<dataset>/<table>/`. */
export function tableKeys(s3: S3TestServer, dataset: string, table: string): string[] {
  const folder = `${BUCKET_PREFIX}/${dataset}/${table}/`;
  return bucketKeys(s3).filter((key) => key.startsWith(folder));
}

/** `n` rows of nested orders: each with two items (a child table) and a customer object. */
export function nestedOrders(n: number, start = 1): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    id: start + i,
    customer: { name: `c${start + i}`, tier: "gold" },
    total: (start + i) * 1.5,
    items: [
      { sku: `A${start + i}`, qty: 1 },
      { sku: `B${start + i}`, qty: 2 },
    ],
  }));
}

const VERSION_CHECK = /^SELECT "version_hash" FROM "[^"]+"\."([^"]+)"\."_dlt_version" WHERE "version_hash" = '([^']*)' LIMIT 1$/;
const VERSION_INSERT = /^INSERT INTO "[^"]+"\."([^"]+)"\."_dlt_version"\([^)]*\) VALUES \(\d+, \d+, TIMESTAMP '[^']*', '(?:[^']|'')*', '([^']*)'/;

/** `<dataset>:<hash>` of every `_dlt_version` row the endpoint has been asked to insert. */
export function recordedVersions(athena: FakeAthenaServer): Set<string> {
  const found = new Set<string>();
  for (const sql of athena.queries) {
    const match = VERSION_INSERT.exec(sql);
    if (match) found.add(`${match[1]}:${match[2]}`);
  }
  return found;
}

/**
 * Makes the endpoint behave like a `_dlt_version` table: the version-hash check finds a row
 * exactly when an earlier statement inserted that hash into that dataset.
 */
export function answerRecordedVersions(athena: FakeAthenaServer): void {
  athena.script(
    (sql) => {
      const match = VERSION_CHECK.exec(sql);
      return match !== null && recordedVersions(athena).has(`${match[1]}:${match[2]}`);
    },
    { result: { columns: [{ name: "version_hash", type: "varchar" }], rows: [["(recorded)"]] } },
  );
}

/** Is this the version-hash check of discovery? */
export const isVersionCheck = (sql: string): boolean => VERSION_CHECK.test(sql);
/** Is this the INFORMATION_SCHEMA query of discovery? */
export const isColumnsQuery = (sql: string): boolean => /INFORMATION_SCHEMA\.COLUMNS/.test(sql);
/** Is this the sync read at the start of a run (state and version check in one query)? */
export const isSyncRead = (sql: string): boolean => sql.startsWith(`SELECT 'state' AS "kind"`);
/** Is this the state-restore query (alone, or inside the sync read)? */
export const isStateQuery = (sql: string): boolean => /"_dlt_pipeline_state" AS s JOIN/.test(sql);

export interface DestinationSuite {
  /** The servers of this test file (available inside tests and hooks). */
  readonly servers: Servers;
  /** A new temp project on these servers, removed after the file's tests. */
  project(options?: ProjectOptions): Project;
}

/**
 * The per-file set-up every destination test shares: servers started once, reset before each test
 * (answering version checks from what was really recorded, unless `answerVersions` is false), and
 * the file's projects removed at the end.
 */
export function useDestinationServers(options: { readonly answerVersions?: boolean } = {}): DestinationSuite {
  let servers: Servers | undefined;
  const projects: Project[] = [];
  beforeAll(async () => {
    servers = await startServers();
  });
  afterAll(async () => {
    for (const project of projects) project.cleanup();
    await servers?.stop();
  });
  beforeEach(() => {
    servers!.reset();
    if (options.answerVersions !== false) answerRecordedVersions(servers!.athena);
  });
  return {
    get servers(): Servers {
      if (!servers) throw new Error("servers are started in beforeAll");
      return servers;
    },
    project(projectOptions: ProjectOptions = {}): Project {
      const project = makeProject(this.servers, projectOptions);
      projects.push(project);
      return project;
    },
  };
}
