/**
 * A single-node Trino (coordinator and worker in one JVM) on 127.0.0.1 with the two catalogs
 * that together behave like Athena's `awsdatacatalog`: a Hive catalog of that name and an
 * Iceberg catalog, sharing one file metastore and redirecting to each other, both reading and
 * writing the S3-protocol server through Trino's native S3 file system. Plus a minimal client
 * for Trino's HTTP statement protocol (POST /v1/statement, follow `nextUri`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { parseJsonKeepingNumbers } from "./json-text.js";

export const HIVE_CATALOG = "awsdatacatalog";
export const ICEBERG_CATALOG = "iceberg";

export interface TrinoS3 {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface TrinoOptions {
  /** The extracted server (`ensureTrino()`). */
  readonly home: string;
  readonly javaHome: string;
  /** A folder for etc/, data/ and the metastore. */
  readonly workDir: string;
  readonly s3: TrinoS3;
  /** JVM heap, e.g. "3G" (default; the most the CI machine can spare). */
  readonly maxHeap?: string;
  /** Milliseconds to wait for the server to answer queries (default 300 s). */
  readonly startTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface TrinoServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly client: TrinoClient;
  /** The JVM's process id. */
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts Trino and resolves once it runs `SELECT 1`. Throws with the server's last log lines when it cannot. */
export async function startTrino(options: TrinoOptions): Promise<TrinoServer> {
  const port = await freePort();
  const etc = join(options.workDir, "etc");
  const data = join(options.workDir, "data");
  await mkdir(join(etc, "catalog"), { recursive: true });
  await mkdir(join(data, "metastore"), { recursive: true });
  await writeConfig(etc, data, port, options);
  const child = spawn(join(options.home, "bin", "launcher"), ["run", `--etc-dir=${etc}`, `--data-dir=${data}`], {
    cwd: options.workDir,
    env: { ...process.env, JAVA_HOME: options.javaHome, PATH: `${join(options.javaHome, "bin")}:${process.env["PATH"] ?? ""}` },
    stdio: ["ignore", "pipe", "pipe"],
    detached: false,
  });
  // A parent that exits without stop() (a crash, an uncaught error) must not leave the JVM behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim() !== "") tail.push(line);
    if (tail.length > 60) tail.splice(0, tail.length - 60);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const client = new TrinoClient(url);
  const deadline = Date.now() + (options.startTimeoutMs ?? 300_000);
  let exited = false;
  child.once("exit", () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`Trino exited during start-up:\n${tail.join("\n")}`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`Trino did not answer within ${(options.startTimeoutMs ?? 300_000) / 1000} s:\n${tail.join("\n")}`);
    }
    if (await isReady(url)) {
      try {
        await client.query("SELECT 1");
        break;
      } catch {
        // Catalogs still loading.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { url, client, pid: child.pid ?? -1, stop: () => stopChild(child) };
}

async function writeConfig(etc: string, data: string, port: number, options: TrinoOptions): Promise<void> {
  const props = (entries: Record<string, string | number | boolean>) =>
    Object.entries(entries).map(([k, v]) => `${k}=${String(v)}`).join("\n") + "\n";
  await writeFile(join(etc, "node.properties"), props({
    "node.environment": "sandbox",
    "node.id": "sandbox-coordinator",
    "node.data-dir": data,
    "node.bind-ip": "127.0.0.1",
    "node.internal-address": "127.0.0.1",
  }));
  await writeFile(join(etc, "config.properties"), props({
    coordinator: true,
    "node-scheduler.include-coordinator": true,
    "http-server.http.port": port,
    "discovery.uri": `http://127.0.0.1:${port}`,
    "query.max-memory": "1GB",
    "query.max-memory-per-node": "1GB",
    // Two cores on CI: fewer threads start faster and contend less.
    "task.concurrency": 2,
    "task.max-worker-threads": 4,
    "query.min-expire-age": "5m",
  }));
  await writeFile(join(etc, "jvm.config"), [
    "-server",
    `-Xmx${options.maxHeap ?? "3G"}`,
    "-Xms256M",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-UsePerfData",
    "-Djdk.attach.allowAttachSelf=true",
    "-Dfile.encoding=UTF-8",
  ].join("\n") + "\n");
  await writeFile(join(etc, "log.properties"), "io.trino=WARN\nio.airlift=WARN\n");
  const s3 = {
    "fs.native-s3.enabled": true,
    "s3.endpoint": options.s3.endpoint,
    "s3.path-style-access": true,
    "s3.region": "us-east-1",
    "s3.aws-access-key": options.s3.accessKeyId,
    "s3.aws-secret-key": options.s3.secretAccessKey,
    // s3rver stores aws-chunked bodies verbatim (chunk signatures inside the object).
    "s3.signer-type": "Aws4UnsignedPayloadSigner",
    "fs.native-local.enabled": true,
    "local.location": data,
    "hive.metastore.catalog.dir": "local:///metastore",
  };
  await writeFile(join(etc, "catalog", `${HIVE_CATALOG}.properties`), props({
    "connector.name": "hive",
    "hive.metastore": "file",
    "hive.iceberg-catalog-name": ICEBERG_CATALOG,
    "hive.non-managed-table-writes-enabled": true,
    ...s3,
  }));
  await writeFile(join(etc, "catalog", `${ICEBERG_CATALOG}.properties`), props({
    "connector.name": "iceberg",
    "iceberg.catalog.type": "TESTING_FILE_METASTORE",
    "iceberg.hive-catalog-name": HIVE_CATALOG,
    ...s3,
  }));
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v1/info`);
    if (!response.ok) return false;
    const info = (await response.json()) as { starting?: boolean };
    return info.starting === false;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// ---- client --------------------------------------------------------------------------------

/** A result column as Trino describes it. */
export interface TrinoColumn {
  readonly name: string;
  /** e.g. `varchar`, `decimal(18,2)`, `timestamp(6)`, `array(bigint)`. */
  readonly type: string;
  readonly typeSignature?: TrinoTypeSignature;
}

export interface TrinoTypeSignature {
  readonly rawType: string;
  readonly arguments?: readonly { readonly kind: string; readonly value: unknown }[];
}

/** Trino's failure: `errorName` such as TABLE_NOT_FOUND, `errorType` USER_ERROR / INTERNAL_ERROR / … */
export class TrinoQueryError extends Error {
  constructor(
    message: string,
    readonly errorName: string,
    readonly errorType: string,
    readonly queryId: string | undefined,
  ) {
    super(message);
    this.name = "TrinoQueryError";
  }
}

export interface TrinoResult {
  readonly queryId: string;
  readonly columns: readonly TrinoColumn[];
  /** Cells in Trino's JSON form, numbers kept as their exact text. */
  readonly rows: readonly (readonly unknown[])[];
  /** `INSERT`, `DELETE`, `CREATE TABLE`, `MERGE`, … for statements that change things. */
  readonly updateType?: string;
  readonly updateCount?: number;
  readonly processedBytes: number;
}

export interface QueryHooks {
  /** Trino's query state as it moves: QUEUED, PLANNING, STARTING, RUNNING, FINISHING, FINISHED. */
  readonly onState?: (state: string, queryId: string) => void;
  /** Aborted: the client cancels the query on the server. */
  readonly signal?: AbortSignal;
}

interface StatementResponse {
  id: string;
  nextUri?: string;
  columns?: TrinoColumn[];
  data?: unknown[][];
  updateType?: string;
  updateCount?: string | number;
  stats?: { state?: string; processedBytes?: string | number };
  error?: { message?: string; errorName?: string; errorType?: string };
}

export class TrinoClient {
  constructor(readonly url: string, readonly user = "sandbox") {}

  /** Runs one statement to the end and returns all its rows. */
  async query(sql: string, context: { readonly catalog?: string; readonly schema?: string } = {}, hooks: QueryHooks = {}): Promise<TrinoResult> {
    const headers: Record<string, string> = { "X-Trino-User": this.user, "Content-Type": "text/plain; charset=utf-8" };
    if (context.catalog !== undefined) headers["X-Trino-Catalog"] = context.catalog;
    if (context.catalog !== undefined && context.schema !== undefined) headers["X-Trino-Schema"] = context.schema;
    let page = await this.#send(`${this.url}/v1/statement`, { method: "POST", headers, body: sql });
    const rows: unknown[][] = [];
    let columns: TrinoColumn[] | undefined;
    let lastState: string | undefined;
    let cancelled = false;
    const cancel = () => {
      cancelled = true;
      if (page.nextUri !== undefined) void fetch(page.nextUri, { method: "DELETE", headers: { "X-Trino-User": this.user } }).catch(() => undefined);
    };
    hooks.signal?.addEventListener("abort", cancel, { once: true });
    try {
      for (;;) {
        if (page.columns !== undefined) columns ??= page.columns;
        if (page.data !== undefined) rows.push(...page.data);
        const state = page.stats?.state;
        if (state !== undefined && state !== lastState) {
          lastState = state;
          hooks.onState?.(state, page.id);
        }
        if (page.error !== undefined) {
          const e = page.error;
          throw new TrinoQueryError(e.message ?? "query failed", e.errorName ?? "GENERIC_INTERNAL_ERROR", e.errorType ?? "INTERNAL_ERROR", page.id);
        }
        if (page.nextUri === undefined) break;
        if (cancelled) throw new TrinoQueryError("Query was cancelled", "USER_CANCELED", "USER_ERROR", page.id);
        page = await this.#send(page.nextUri, { method: "GET", headers: { "X-Trino-User": this.user } });
      }
    } finally {
      hooks.signal?.removeEventListener("abort", cancel);
    }
    if (cancelled) throw new TrinoQueryError("Query was cancelled", "USER_CANCELED", "USER_ERROR", page.id);
    return {
      queryId: page.id,
      columns: columns ?? [],
      rows,
      ...(page.updateType !== undefined ? { updateType: page.updateType } : {}),
      ...(page.updateCount !== undefined ? { updateCount: Number(page.updateCount) } : {}),
      processedBytes: Number(page.stats?.processedBytes ?? 0),
    };
  }

  async #send(uri: string, init: RequestInit): Promise<StatementResponse> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(uri, init);
      // 502/503/504: the coordinator asks the client to retry the same URI.
      if ((response.status === 502 || response.status === 503 || response.status === 504) && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 100));
        continue;
      }
      const text = await response.text();
      if (!response.ok) throw new TrinoQueryError(`Trino HTTP ${response.status}: ${text.slice(0, 500)}`, "HTTP_ERROR", "INTERNAL_ERROR", undefined);
      return parseJsonKeepingNumbers(text) as StatementResponse;
    }
  }
}
