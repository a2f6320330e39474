import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CliResult, runCli, runCliAsync } from "./cli.js";
import { linkPackage } from "./project.js";
import { makeTempDir, writeFiles } from "./temp.js";

/** One column of `query --json`. */
export interface QueryColumn {
  readonly name: string;
  readonly type: string;
}

/** The document `query --json` prints. */
export interface QueryDocument {
  readonly columns: QueryColumn[];
  readonly rows: Record<string, unknown>[];
}

/** The parts of `run --json` the tests read. */
export interface RunDocument {
  readonly status: "ok";
  readonly loads: Array<{
    readonly pipeline_name: string;
    readonly dataset_name: string;
    readonly load_ids: string[];
    readonly tables: Array<{ readonly name: string; readonly rows: number }>;
    readonly warnings: string[];
  }>;
}

type Env = Record<string, string | undefined>;

/**
 * A temporary project for `--local` runs: `import "dlt-athena"` resolves to this checkout, and the
 * pipelines' working folders and HOME live in the temp folder, so the real home is never touched.
 */
export class LocalProject {
  readonly root: string;
  /** The project folder (created empty; holds `.dlt/local/`); the CLI runs here. */
  readonly dir: string;
  /** `[pipeline] pipelines_dir` for every command. */
  readonly pipelinesDir: string;
  readonly env: Env;
  readonly cleanup: () => void;

  constructor(options: { project?: string; env?: Env } = {}) {
    const temp = makeTempDir("dlt-athena-e2e-");
    this.root = temp.dir;
    this.cleanup = temp.cleanup;
    this.dir = join(this.root, options.project ?? "project");
    this.pipelinesDir = join(this.root, "pipelines");
    const home = join(this.root, "home");
    mkdirSync(home, { recursive: true });
    mkdirSync(this.dir, { recursive: true });
    this.env = { HOME: home, USERPROFILE: home, PIPELINE__PIPELINES_DIR: this.pipelinesDir, ...options.env };
  }

  /** Creates the folder as a plain ESM project linked to this checkout (not needed after `init`). */
  create(files: Record<string, string> = {}): this {
    writeFileSync(join(this.dir, "package.json"), JSON.stringify({ type: "module" }));
    this.link();
    this.write(files);
    return this;
  }

  link(): void {
    linkPackage(this.dir);
  }

  write(files: Record<string, string>): void {
    writeFiles(this.dir, files);
  }

  cli(args: readonly string[], env: Env = {}): CliResult {
    return runCli(args, { cwd: this.dir, env: { ...this.env, ...env } });
  }

  cliAsync(args: readonly string[], env: Env = {}): Promise<CliResult> {
    return runCliAsync(args, { cwd: this.dir, env: { ...this.env, ...env } });
  }

  /** `run <script> --local --json`, expecting success. */
  run(script: string, env: Env = {}): RunDocument {
    return parseRun(this.cli(["run", script, "--local", "--json"], env));
  }

  /** `query --local --json`, expecting success. */
  query(sql: string, options: { pipelineName?: string } = {}): QueryDocument {
    const args = ["query", sql, "--local", "--json", ...(options.pipelineName ? ["--pipeline-name", options.pipelineName] : [])];
    return parseDocument<QueryDocument>(this.cli(args), `query ${sql}`);
  }

  /** The rows of `query --local --json`. */
  rows(sql: string, options: { pipelineName?: string } = {}): Record<string, unknown>[] {
    return this.query(sql, options).rows;
  }
}

/** Parses `run --json` output, failing with the CLI's output when the run did not succeed. */
export function parseRun(result: CliResult): RunDocument {
  return parseDocument<RunDocument>(result, "run");
}

function parseDocument<T>(result: CliResult, what: string): T {
  if (result.status !== 0) {
    throw new Error(`${what} exited ${result.status}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** `[table, rows]` of a run's first load, for compact assertions. */
export function loadedRows(document: RunDocument): Array<[string, number]> {
  return document.loads[0]!.tables.map((t) => [t.name, t.rows]);
}
