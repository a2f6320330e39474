/**
 * The sandbox (S3 server + Athena-protocol endpoint + real Trino, `sandbox/`) for tests that run
 * whole loads over the AWS path.
 *
 * Usage:
 * - A vitest config lists this file in `globalSetup` (as `vitest.trino.config.ts` does): ONE
 *   sandbox starts for the whole run (Trino takes 20-40 s) and stops after it. Set
 *   `DLT_ATHENA_SANDBOX` to the JSON line `npm run sandbox` printed to reuse a running one.
 * - In a test file: `const project = new SandboxProject()` gives a temp project whose CLI runs
 *   point at the sandbox with their own bucket prefix (`project.env`, `project.run(script)`,
 *   `project.query(sql)`), and `trinoRows(sql)` reads tables straight from Trino.
 * - `sandboxInfo().env` are the DESTINATION__… variables for anything else (e.g. the API).
 * - Datasets are shared by the whole run: give each test its own dataset and pipeline names.
 */
import { readFileSync, existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import type { TestProject } from "vitest/node";
import { startSandbox, TrinoClient } from "../../sandbox/sandbox.js";
import type { LoggedStatement } from "../../sandbox/athena-endpoint.js";
import { checkHiveGrammar, ensureSqlglot } from "../../sandbox/hive-grammar.js";
import { LocalProject, parseRun, type QueryDocument, type RunDocument } from "./local-project.js";
import { spawnSync } from "node:child_process";
import { BIN, type CliResult } from "./cli.js";

export interface SandboxInfo {
  readonly env: Readonly<Record<string, string>>;
  readonly trino: string;
  readonly statements: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    trinoSandbox: SandboxInfo;
  }
}

/** vitest globalSetup: starts the sandbox (or adopts `DLT_ATHENA_SANDBOX`) and provides its info. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running = process.env["DLT_ATHENA_SANDBOX"];
  if (running) {
    project.provide("trinoSandbox", JSON.parse(running) as SandboxInfo);
    return async () => undefined;
  }
  const started = Date.now();
  // The grammar check's venv installs while Trino starts.
  const [sandbox] = await Promise.all([startSandbox({ log: (line) => process.stderr.write(`sandbox: ${line}\n`) }), ensureSqlglot()]);
  process.stderr.write(`sandbox: ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  project.provide("trinoSandbox", { env: sandbox.env, trino: sandbox.trinoUrl, statements: sandbox.statementLog });
  return () => sandbox.stop();
}

/** The running sandbox; fails with how to get one when the config has no globalSetup for it. */
export function sandboxInfo(): SandboxInfo {
  const info = inject("trinoSandbox");
  if (info === undefined) {
    throw new Error("No sandbox: add test/support/trino-sandbox.ts to the vitest config's globalSetup (see vitest.trino.config.ts).");
  }
  return info;
}

let client: TrinoClient | undefined;

/** A client straight to Trino (no Athena protocol in between). */
export function trinoClient(): TrinoClient {
  client ??= new TrinoClient(sandboxInfo().trino, "test");
  return client;
}

/**
 * Rows of a Trino query as objects. Integers become numbers (bigint beyond 2^53: bigint), other
 * values keep Trino's JSON form (decimals and timestamps as text).
 */
export async function trinoRows(sql: string): Promise<Record<string, unknown>[]> {
  const result = await trinoClient().query(sql);
  const integer = new Set(["tinyint", "smallint", "integer", "bigint"]);
  return result.rows.map((row) =>
    Object.fromEntries(result.columns.map((column, i) => {
      const value = row[i];
      if (typeof value === "string" && integer.has(column.type)) {
        const n = Number(value);
        return [column.name, Number.isSafeInteger(n) ? n : BigInt(value)];
      }
      if (typeof value === "string" && (column.type === "double" || column.type === "real")) return [column.name, Number(value)];
      return [column.name, value];
    })),
  );
}

/** Every statement the sandbox's endpoint has run so far (all test files of the run). */
export function sandboxStatements(): LoggedStatement[] {
  const file = sandboxInfo().statements;
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as LoggedStatement);
}

/**
 * A temp project whose runs go over the AWS path into the sandbox, staging under its own
 * prefix of the sandbox bucket (`s3://sandbox-data/<random>`).
 */
export class SandboxProject extends LocalProject {
  readonly prefix: string;

  constructor(options: { project?: string; env?: Record<string, string | undefined> } = {}) {
    const prefix = `t${randomBytes(5).toString("hex")}`;
    const info = sandboxInfo();
    super({
      ...options,
      env: {
        ...info.env,
        DESTINATION__FILESYSTEM__BUCKET_URL: `${info.env["DESTINATION__FILESYSTEM__BUCKET_URL"]}/${prefix}`,
        // Poll the endpoint often: statements on Trino take 0.1-2 s.
        DLT_ATHENA_POLL_MS: "50",
        ...options.env,
      },
    });
    this.prefix = prefix;
  }

  /** The CLI in the project folder; a whole load on Trino can take minutes on a busy machine. */
  override cli(args: readonly string[], env: Record<string, string | undefined> = {}): CliResult {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      cwd: this.dir,
      env: { ...process.env, CI: "true", ...this.env, ...env },
      encoding: "utf8",
      timeout: 900_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** `run <script> --json` over the AWS path, expecting success. */
  override run(script: string, env: Record<string, string | undefined> = {}): RunDocument {
    return parseRun(this.cli(["run", script, "--json"], env));
  }

  /** `run <script> --json`, whatever its exit status. */
  runRaw(script: string, env: Record<string, string | undefined> = {}): CliResult {
    return this.cli(["run", script, "--json"], env);
  }

  /** `query --json` through the sandbox's Athena endpoint, expecting success. */
  override query(sql: string, options: { pipelineName?: string } = {}): QueryDocument {
    const args = ["query", sql, "--json", ...(options.pipelineName ? ["--pipeline-name", options.pipelineName] : [])];
    const result = this.cli(args);
    if (result.status !== 0) throw new Error(`query ${sql} exited ${result.status}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    return JSON.parse(result.stdout) as QueryDocument;
  }

  /** Rows of `query --json` through the Athena endpoint. */
  override rows(sql: string, options: { pipelineName?: string } = {}): Record<string, unknown>[] {
    return this.query(sql, options).rows;
  }
}

/** The statements of one dataset (its name appears in them), in the order they finished. */
export function statementsOf(dataset: string): LoggedStatement[] {
  const name = new RegExp(`[\`"]${dataset}(_staging)?[\`"]|\\b${dataset}(_staging)?\\.`, "i");
  return sandboxStatements().filter((s) => name.test(s.sql));
}

/**
 * Hive DDL of a dataset that a Hive grammar (sqlglot's athena dialect) rejects, with the reason;
 * empty when all parse. Also returns how many were checked, so a test can assert it checked some.
 */
export async function hiveGrammarFailures(dataset: string): Promise<{ checked: number; failures: { sql: string; error: string }[] }> {
  const ddl = [...new Set(statementsOf(dataset).filter((s) => s.route !== "trino").map((s) => s.sql))];
  const errors = await checkHiveGrammar(ddl);
  return {
    checked: ddl.length,
    failures: ddl.flatMap((sql, i) => (errors[i] === undefined ? [] : [{ sql, error: errors[i]! }])),
  };
}

/** Statements of a dataset that failed for any reason but a missing relation (first-run discovery). */
export function unexpectedFailures(dataset: string): LoggedStatement[] {
  return statementsOf(dataset).filter(
    (s) => s.state !== "SUCCEEDED" && !/^(TABLE_NOT_FOUND|SCHEMA_NOT_FOUND):/.test(s.reason ?? ""),
  );
}
