/**
 * A real S3-protocol server for integration tests: s3rver 3.7.1 in a CHILD process on
 * 127.0.0.1, an ephemeral port and a temp folder.
 *
 * Why a child process: s3rver's continuation tokens use DES, which OpenSSL 3 only offers with
 * `--openssl-legacy-provider` (jamhall/s3rver#818, dependencies-probe §4); that flag cannot be
 * turned on inside a running vitest worker, and the child keeps the legacy provider out of it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { S3StoreOptions } from "../../src/staging/s3-store.js";

export interface S3TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** The bucket created at start. */
  readonly bucket: string;
  /** s3rver's data folder (objects are `<dir>/<bucket>/<key>._S3rver_object`). */
  readonly directory: string;
  stop(): Promise<void>;
}

// Runs in the child (CommonJS, `node -e`). It exits when the parent closes its stdin, so a
// crashed test run leaves no orphan server behind.
const CHILD_SCRIPT = `
const S3rver = require("s3rver");
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  directory: process.env.S3RVER_DIR,
  silent: true,
  configureBuckets: [{ name: process.env.S3RVER_BUCKET }],
});
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + "\\n"),
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); },
);
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
`;

/**
 * Starts s3rver and resolves once it listens.
 *
 * @example
 * let server: S3TestServer;
 * beforeAll(async () => { server = await startS3Server(); });
 * afterAll(() => server.stop());
 */
export async function startS3Server(options: { readonly bucket?: string } = {}): Promise<S3TestServer> {
  const bucket = options.bucket ?? "test-bucket";
  const directory = await mkdtemp(join(tmpdir(), "dlt-athena-s3rver-"));
  const child = spawn(process.execPath, ["--openssl-legacy-provider", "-e", CHILD_SCRIPT], {
    // s3rver is resolved from the repository root.
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ...process.env, S3RVER_DIR: directory, S3RVER_BUCKET: bucket, NODE_OPTIONS: "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within 15 s: ${stderr}`)), 15_000);
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  child.removeAllListeners("exit");
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket,
    directory,
    stop: async () => {
      await stopChild(child);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * S3 store options pointing at a test server (s3rver accepts the fixed `S3RVER` keys).
 *
 * @example
 * const store = createS3Store(s3TestOptions(server.endpoint, `s3://${server.bucket}/raw`));
 */
export function s3TestOptions(endpoint: string, bucketUrl: string, extra: Partial<S3StoreOptions> = {}): S3StoreOptions {
  return {
    bucketUrl,
    endpointUrl: endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    ...extra,
  };
}
