import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { maskSecrets } from "../../util/secrets.js";
import { InterruptedError, UsageError } from "../../errors.js";
import { validateDatasetName, validatePipelineName } from "../../pipeline/names.js";
import { clearInterrupt, interruptSignal, requestInterrupt } from "../../util/interrupt.js";
import { runContext, setRunOverrides } from "../../pipeline/run-context.js";
import type { CliIo } from "../io.js";
import { createProgress } from "../output/progress.js";
import { printJson } from "../output/render.js";

export interface RunCommandOptions {
  readonly local?: boolean;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly pipelineName?: string;
  readonly dataset?: string;
  readonly projectDir?: string;
  /** `--wait <seconds>` for another run of the pipeline to release its lock. */
  readonly wait?: number;
}

/**
 * Runs a pipeline script with TypeScript support. The flags become overrides every pipeline in
 * the script picks up; the load infos the script's runs produce are printed at the end.
 */
export async function runScript(io: CliIo, script: string, options: RunCommandOptions): Promise<void> {
  const projectDir = resolve(io.cwd, options.projectDir ?? ".");
  const path = resolve(io.cwd, script);
  if (!existsSync(path)) {
    throw new UsageError("script_not_found", `Pipeline script ${path} does not exist. Pass the path of a .ts or .js file, e.g. dlt-athena run chess_pipeline.ts.`, { meta: { script: path } });
  }
  if (options.pipelineName !== undefined) validatePipelineName(options.pipelineName, "--pipeline-name");
  if (options.dataset !== undefined) validateDatasetName(options.dataset, "--dataset");
  setRunOverrides({
    ...(options.pipelineName ? { pipelineName: options.pipelineName } : {}),
    ...(options.dataset ? { datasetName: options.dataset } : {}),
    isLocal: options.local === true,
    isDryRun: options.dryRun === true,
    projectDir,
    progress: io.isInteractive && !options.json,
    ...(options.wait !== undefined ? { lockWaitSeconds: options.wait } : {}),
  });
  const unmask = maskConsole();
  const restoreConsole = options.json ? redirectConsoleToStderr() : () => undefined;
  const restore = () => {
    restoreConsole();
    unmask();
  };
  // A spinner needs a real terminal: some pseudo-terminals report 0 columns, which breaks redraws.
  const hasTerminal = io.isInteractive && (process.stderr.columns ?? 0) >= 20;
  const progress = hasTerminal && !options.json ? await createProgress() : undefined;
  runContext().progress = progress?.listener;
  const stopSignals = handleSignals(io);
  try {
    // One module graph for the CLI and the script, so both share the run context.
    const { register } = await import("tsx/esm/api");
    register();
    await import(pathToFileURL(path).href);
    // A script that caught the interruption still ends as interrupted.
    const signal = interruptSignal();
    if (signal !== undefined) throw new InterruptedError(signal, "while the script ran");
  } finally {
    stopSignals();
    progress?.stop();
    restore();
  }
  const { loadInfos: infos, dryRuns } = runContext();
  if (options.dryRun) {
    if (options.json) return printJson(io, { status: "ok", dry_run: true, plans: dryRuns });
    const { formatDryRun } = await import("../../pipeline/dry-run.js");
    if (dryRuns.length === 0) io.stderr(`${script} finished without running a pipeline.\n`);
    for (const plan of dryRuns) io.stdout(`${formatDryRun(plan)}\n`);
    return;
  }
  if (options.json) {
    printJson(io, { status: "ok", loads: infos.map((info) => info.toJSON()) });
    return;
  }
  if (infos.length === 0) io.stderr(`${script} finished without running a pipeline.\n`);
  for (const info of infos) io.stderr(`${info.toString()}\n`);
}

/**
 * SIGINT and SIGTERM ask the pipeline to stop at its next safe point (the run then exits 130 or
 * 143); a second signal exits at once, which is safe too: every step is journaled.
 */
function handleSignals(io: CliIo): () => void {
  clearInterrupt();
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    if (interruptSignal() !== undefined) process.exit(signal === "SIGTERM" ? 143 : 130);
    requestInterrupt(signal);
    io.stderr(`\n${signal} received: stopping at the next safe point (send it again to stop at once).\n`);
  };
  const onInt = () => onSignal("SIGINT");
  const onTerm = () => onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return () => {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  };
}

/** What the script logs through `console` passes the secret mask too (a token it prints, an SDK error). */
function maskConsole(): () => void {
  const methods = ["log", "info", "debug", "warn", "error"] as const;
  const original = Object.fromEntries(methods.map((m) => [m, console[m]])) as Pick<Console, (typeof methods)[number]>;
  for (const method of methods) {
    const write = original[method].bind(console);
    console[method] = (...args: unknown[]) => write(maskSecrets(format(...args)));
  }
  return () => Object.assign(console, original);
}

/** With `--json`, stdout carries one document: what the script logs goes to stderr instead. */
function redirectConsoleToStderr(): () => void {
  const original = { log: console.log, info: console.info, debug: console.debug };
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  return () => Object.assign(console, original);
}
