import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "../../errors.js";
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
  setRunOverrides({
    ...(options.pipelineName ? { pipelineName: options.pipelineName } : {}),
    ...(options.dataset ? { datasetName: options.dataset } : {}),
    isLocal: options.local === true,
    isDryRun: options.dryRun === true,
    projectDir,
    progress: io.isInteractive && !options.json,
  });
  const restore = options.json ? redirectConsoleToStderr() : () => undefined;
  // A spinner needs a real terminal: some pseudo-terminals report 0 columns, which breaks redraws.
  const hasTerminal = io.isInteractive && (process.stderr.columns ?? 0) >= 20;
  const progress = hasTerminal && !options.json ? await createProgress() : undefined;
  runContext().progress = progress?.listener;
  try {
    // One module graph for the CLI and the script, so both share the run context.
    const { register } = await import("tsx/esm/api");
    register();
    await import(pathToFileURL(path).href);
  } finally {
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

/** With `--json`, stdout carries one document: what the script logs goes to stderr instead. */
function redirectConsoleToStderr(): () => void {
  const original = { log: console.log, info: console.info, debug: console.debug };
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  return () => Object.assign(console, original);
}
