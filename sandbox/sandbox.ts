/**
 * The whole sandbox: an S3-protocol server, a Trino with Hive + Iceberg catalogs reading it, and
 * an Athena-protocol endpoint in front of Trino, all on 127.0.0.1. {@link startSandbox} returns
 * the `DESTINATION__…` environment that points a project at it, and `stop()` ends everything.
 *
 * @example
 * const sandbox = await startSandbox();
 * Object.assign(process.env, sandbox.env);   // dlt-athena run … now loads into Trino
 * await sandbox.stop();
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAthenaEndpoint, type AthenaEndpoint } from "./athena-endpoint.js";
import { ensureTrino, findJava25 } from "./artifacts.js";
import { startSandboxS3, type SandboxS3 } from "./s3.js";
import { HIVE_CATALOG, startTrino, type TrinoServer } from "./trino.js";

export { HIVE_CATALOG, ICEBERG_CATALOG, TrinoClient, TrinoQueryError } from "./trino.js";

/** The staging bucket and the query-result bucket the sandbox creates. */
export const DATA_BUCKET = "sandbox-data";
export const RESULTS_BUCKET = "sandbox-results";
/** The key pair the sandbox accepts (S3 and Athena alike); not a secret. */
export const SANDBOX_ACCESS_KEY_ID = "S3RVER";
export const SANDBOX_SECRET_ACCESS_KEY = "S3RVER";

export interface SandboxOptions {
  /** JVM heap for Trino (default 3G). */
  readonly maxHeap?: string;
  /** Append every statement the endpoint ran to this JSON-lines file. */
  readonly statementLog?: string;
  /** Progress lines (download, start-up). */
  readonly log?: (line: string) => void;
}

export interface Sandbox {
  /** The variables that point a project at the sandbox (staging bucket root, Athena endpoint, keys). */
  readonly env: Readonly<Record<string, string>>;
  /** `http://127.0.0.1:<port>` of Trino itself, for checks that bypass the Athena protocol. */
  readonly trinoUrl: string;
  readonly athenaEndpoint: string;
  readonly s3Endpoint: string;
  readonly endpoint: AthenaEndpoint;
  /** The JSON-lines file of every statement the endpoint ran (see `LoggedStatement`). */
  readonly statementLog: string;
  readonly pids: { readonly trino: number };
  stop(): Promise<void>;
}

/** Starts S3, Trino and the endpoint; on any failure stops what had started and rethrows. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => undefined);
  const javaHome = await findJava25();
  const home = await ensureTrino(log);
  const workDir = await mkdtemp(join(tmpdir(), "dlt-athena-sandbox-"));
  const statementLog = options.statementLog ?? join(workDir, "statements.jsonl");
  let s3: SandboxS3 | undefined;
  let trino: TrinoServer | undefined;
  let endpoint: AthenaEndpoint | undefined;
  const stop = async () => {
    await endpoint?.stop().catch(() => undefined);
    await trino?.stop().catch(() => undefined);
    await s3?.stop().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    await mkdir(join(workDir, "s3"));
    s3 = await startSandboxS3({ directory: join(workDir, "s3"), buckets: [DATA_BUCKET, RESULTS_BUCKET] });
    log(`S3 server on ${s3.endpoint}; starting Trino (about 20-40 s)`);
    trino = await startTrino({
      home, javaHome, workDir: join(workDir, "trino"), log,
      s3: { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      ...(options.maxHeap !== undefined ? { maxHeap: options.maxHeap } : {}),
    });
    endpoint = await startAthenaEndpoint({
      trino: trino.client,
      accessKeyId: SANDBOX_ACCESS_KEY_ID,
      workGroups: { primary: { outputLocation: `s3://${RESULTS_BUCKET}/primary/` } },
      statementLog,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const credentials = (section: string, url: string) => ({
    [`DESTINATION__${section}__CREDENTIALS__AWS_ACCESS_KEY_ID`]: SANDBOX_ACCESS_KEY_ID,
    [`DESTINATION__${section}__CREDENTIALS__AWS_SECRET_ACCESS_KEY`]: SANDBOX_SECRET_ACCESS_KEY,
    [`DESTINATION__${section}__CREDENTIALS__ENDPOINT_URL`]: url,
    [`DESTINATION__${section}__CREDENTIALS__REGION_NAME`]: "us-east-1",
  });
  const env = {
    DESTINATION__FILESYSTEM__BUCKET_URL: `s3://${DATA_BUCKET}`,
    ...credentials("FILESYSTEM", s3.endpoint),
    DESTINATION__ATHENA__QUERY_RESULT_BUCKET: `s3://${RESULTS_BUCKET}/results/`,
    DESTINATION__ATHENA__AWS_DATA_CATALOG: HIVE_CATALOG,
    ...credentials("ATHENA", endpoint.endpoint),
  };
  return {
    env,
    trinoUrl: trino.url,
    athenaEndpoint: endpoint.endpoint,
    s3Endpoint: s3.endpoint,
    endpoint,
    statementLog,
    pids: { trino: trino.pid },
    stop,
  };
}
