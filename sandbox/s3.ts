/**
 * The sandbox's S3-protocol server: s3rver 3.7.1 in a child process on 127.0.0.1, with one fix
 * in front of its routes so that Trino can read from it. s3rver answers a suffix range
 * (`Range: bytes=-N`, how Trino reads a Parquet footer) from the START of the object; the
 * middleware rewrites it to the absolute range of the object's last N bytes.
 *
 * A child process because s3rver's continuation tokens need OpenSSL's legacy provider
 * (`--openssl-legacy-provider`), which must stay out of the parent.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "./artifacts.js";

export interface SandboxS3 {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  stop(): Promise<void>;
}

// CommonJS, run with `node -e`; exits when the parent closes its stdin.
const CHILD_SCRIPT = `
const fs = require("fs");
const S3rver = require("s3rver");
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  directory: process.env.S3RVER_DIR,
  silent: true,
  configureBuckets: process.env.S3RVER_BUCKETS.split(",").map((name) => ({ name })),
});
// Path-style only (/<bucket>/<key>): turn "bytes=-N" into "bytes=<size-N>-<size-1>".
server.middleware.unshift(async (ctx, next) => {
  const range = ctx.headers["range"];
  const m = typeof range === "string" ? /^bytes=-(\\d+)$/.exec(range.trim()) : null;
  if (m && (ctx.method === "GET" || ctx.method === "HEAD")) {
    const parts = ctx.path.split("/").slice(1);
    const bucket = decodeURIComponent(parts[0] || "");
    const key = parts.slice(1).map(decodeURIComponent).join("/");
    try {
      const size = fs.statSync(server.store.getResourcePath(bucket, key, "object")).size;
      const n = Math.min(Number(m[1]), size);
      ctx.headers["range"] = size === 0 ? "bytes=0-" : "bytes=" + (size - n) + "-" + (size - 1);
    } catch (error) {
      // No such object: s3rver answers NoSuchKey itself.
    }
  }
  return next();
});
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + "\\n"),
  (error) => { process.stderr.write(String((error && error.stack) || error)); process.exit(1); },
);
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
`;

/** Starts s3rver with the given buckets in `directory`. */
export async function startSandboxS3(options: { readonly directory: string; readonly buckets: readonly string[] }): Promise<SandboxS3> {
  const child = spawn(process.execPath, ["--openssl-legacy-provider", "-e", CHILD_SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, S3RVER_DIR: options.directory, S3RVER_BUCKETS: options.buckets.join(","), NODE_OPTIONS: "" },
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
    bucket: options.buckets[0]!,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    stop: () => stopChild(child),
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
