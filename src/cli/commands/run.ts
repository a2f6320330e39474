import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DltAthenaError, UsageError } from "../../errors.js";
import { validateDatasetName, validatePipelineName } from "../../pipeline/names.js";
import type { ProgressEvent } from "../../pipeline/run-host.js";
import type { CliIo } from "../io.js";
import { logLevelOf } from "../output/log-level.js";
import { createProgress } from "../output/progress.js";
import { printJson } from "../output/render.js";
import { HOST_ENV } from "../script/protocol.js";
import type { HostInput, ReportLine, ScriptFailure } from "../script/protocol.js";

export interface RunCommandOptions {
  readonly local?: boolean;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly pipelineName?: string;
  readonly dataset?: string;
  readonly projectDir?: string;
  /** `--wait <seconds>` for another run of the pipeline to release its lock. */
  readonly wait?: number;
  /** The global `--verbose`. */
  readonly verbose?: boolean;
}

/** What the script's process left behind: its reports, how it ended, the end of its stderr. */
interface ScriptOutcome {
  readonly lines: readonly ReportLine[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: string;
}

const HOST_MODULE = new URL("../script/host.js", import.meta.url).href;
const STDERR_TAIL = 4000;

/**
 * Runs a pipeline script (.ts, .mts, .cts, .js, .mjs; ES module or CommonJS) in a child Node
 * process and waits for it to end, so every pipeline it starts (main()-style included) is done
 * and reported. The flags reach its pipelines through the run host; what the script prints goes
 * to stdout, or to stderr with `--json`, whose stdout carries one document only.
 */
export async function runScript(io: CliIo, script: string, options: RunCommandOptions): Promise<void> {
  const projectDir = resolve(io.cwd, options.projectDir ?? ".");
  const path = resolve(io.cwd, script);
  if (!existsSync(path)) {
    throw new UsageError("script_not_found", `Pipeline script ${path} does not exist. Pass the path of a .ts or .js file, e.g. dlt-athena run chess_pipeline.ts.`, { meta: { script: path } });
  }
  if (options.pipelineName !== undefined) validatePipelineName(options.pipelineName, "--pipeline-name");
  if (options.dataset !== undefined) validateDatasetName(options.dataset, "--dataset");
  // A spinner needs a real terminal: some pseudo-terminals report 0 columns, which breaks redraws.
  const hasTerminal = io.isInteractive && (process.stderr.columns ?? 0) >= 20;
  const progress = hasTerminal && !options.json ? await createProgress() : undefined;
  const level = logLevelOf(io, projectDir, options.verbose === true);
  if (level === "DEBUG") io.stderr(`debug: running ${path} in its own process (node ${process.version}, project ${projectDir})\n`);
  const outcome = await runChild(io, path, {
    overrides: {
      ...(options.pipelineName ? { pipelineName: options.pipelineName } : {}),
      ...(options.dataset ? { datasetName: options.dataset } : {}),
      isLocal: options.local === true,
      isDryRun: options.dryRun === true,
      projectDir,
      ...(options.wait !== undefined ? { lockWaitSeconds: options.wait } : {}),
    },
    isJson: options.json === true,
    // Without a spinner, INFO and DEBUG log progress as lines on stderr.
    logProgress: progress === undefined && (level === "DEBUG" || level === "INFO"),
    ...(progress ? { onProgress: progress.listener, onOutput: progress.clear } : {}),
  }).finally(() => progress?.stop());
  const loads = outcome.lines.flatMap((line) => (line.kind === "load" ? [line] : []));
  const dryRuns = outcome.lines.flatMap((line) => (line.kind === "dry_run" ? [line] : []));
  const failure = outcome.lines.find((line) => line.kind === "error")?.error;
  // Warnings about the run as a whole (a reset by the state sync, a package kept for another
  // destination) also go to stderr, so they are seen when stdout is redirected or is JSON.
  for (const load of loads) for (const warning of runWarningsOf(load.load)) io.stderr(`warning: ${warning}\n`);
  if (outcome.signal !== null && failure === undefined) {
    // The script's process died of a signal it did not handle (SIGKILL, a crash): the CLI ends
    // the same way, as a shell would see it.
    io.stderr(`Pipeline script ${script} was stopped by ${outcome.signal}.\n`);
    process.kill(process.pid, outcome.signal);
  }
  if (failure || outcome.exitCode !== 0) {
    if (!options.json) for (const load of loads) io.stdout(`${load.text}\n`);
    if (failure?.stack && (!options.json || level === "DEBUG")) io.stderr(`${failure.stack}\n`);
    throw scriptError(script, outcome, failure, loads.map((l) => l.load));
  }
  if (options.dryRun) {
    if (options.json) return printJson(io, { status: "ok", dry_run: true, plans: dryRuns.map((d) => d.plan) });
    if (dryRuns.length === 0) io.stderr(`${script} finished without running a pipeline.\n`);
    const { formatDryRun } = await import("../../pipeline/dry-run.js");
    for (const dryRun of dryRuns) io.stdout(`${formatDryRun(dryRun.plan)}\n`);
    return;
  }
  if (options.json) return printJson(io, { status: "ok", loads: loads.map((l) => l.load) });
  if (loads.length === 0) io.stderr(`${script} finished without running a pipeline.\n`);
  for (const load of loads) io.stdout(`${load.text}\n`);
}

function runWarningsOf(load: unknown): string[] {
  const warnings = (load as { run_warnings?: unknown } | undefined)?.run_warnings;
  return Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === "string") : [];
}

/** The error `run` reports: the script's own (code and message kept), or how its process ended. */
function scriptError(script: string, outcome: ScriptOutcome, failure: ScriptFailure | undefined, loads: readonly unknown[]): DltAthenaError {
  const extra = { script, ...(loads.length > 0 ? { loads } : {}) };
  if (failure) {
    return new DltAthenaError(failure.code, failure.kind, failure.message, { meta: { ...failure.meta, ...extra } });
  }
  const ended = outcome.signal ? `was stopped by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
  const lastLines = outcome.stderrTail.trim().split("\n").slice(-5).join("\n").trim();
  const message = `Pipeline script ${script} ${ended}${lastLines ? `: ${lastLines}` : ""}`;
  return new DltAthenaError("script_failed", "internal", message, { meta: { ...extra, exit_code: outcome.exitCode, ...(outcome.signal ? { signal: outcome.signal } : {}) } });
}

function runChild(
  io: CliIo,
  path: string,
  options: {
    readonly overrides: HostInput["overrides"];
    readonly isJson: boolean;
    readonly logProgress: boolean;
    readonly onProgress?: (event: ProgressEvent) => void;
    readonly onOutput?: () => void;
  },
): Promise<ScriptOutcome> {
  const folder = mkdtempSync(join(tmpdir(), "dlt-athena-run-"));
  const reportFile = join(folder, "report.ndjson");
  const input: HostInput = { script: path, overrides: options.overrides, reportFile, progress: options.onProgress !== undefined, logProgress: options.logProgress };
  const child = spawn(process.execPath, ["--import", HOST_MODULE, path], {
    cwd: io.cwd,
    env: {
      ...io.env,
      [HOST_ENV]: JSON.stringify(input),
      ...(options.overrides.projectDir ? { DLT_PROJECT_DIR: options.overrides.projectDir } : {}),
    },
    stdio: ["inherit", "pipe", "pipe", "ipc"],
  });
  let stderrTail = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    options.onOutput?.();
    (options.isJson ? io.stderr : io.stdout)(chunk);
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    options.onOutput?.();
    io.stderr(chunk);
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL);
  });
  child.on("message", (message: { kind?: string; event?: ProgressEvent }) => {
    if (message.kind === "progress" && message.event) options.onProgress?.(message.event);
  });
  // Signals go to the script's process, which stops its pipelines at their next safe point; the
  // CLI stays to report how it ended. (Ctrl-C on a terminal reaches both: the child counts a
  // signal that arrives twice within a moment once.)
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  process.on("SIGHUP", forward);
  return new Promise<ScriptOutcome>((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode, signal) => {
      const text = existsSync(reportFile) ? readFileSync(reportFile, "utf8") : "";
      const lines = text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as ReportLine);
      resolvePromise({ lines, exitCode, signal, stderrTail });
    });
  }).finally(() => {
    process.off("SIGINT", forward);
    process.off("SIGTERM", forward);
    process.off("SIGHUP", forward);
    rmSync(folder, { recursive: true, force: true });
  });
}
