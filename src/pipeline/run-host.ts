import type { DryRunPlan } from "./dry-run.js";
import type { LoadInfo } from "./load-info.js";

/**
 * What a program hosting pipeline scripts (the `dlt-athena run` CLI) hands every pipeline the
 * script creates: overrides from its flags, and callbacks for progress and results. A script run
 * with plain `node`/`tsx` has no host, and its pipelines use their own options only.
 *
 * The host is the one process-wide hand-off between the CLI and the script: it is installed on
 * `globalThis` (under a registered symbol) before the script is imported, so it reaches the
 * script even when the script loads its own copy of the package. Only `Pipeline` reads it;
 * destinations and the config module get what they need as arguments.
 */
export interface RunHost {
  readonly overrides: RunOverrides;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly onLoadInfo?: (info: LoadInfo) => void;
  readonly onDryRun?: (plan: DryRunPlan) => void;
}

/** `--pipeline-name`, `--dataset`, `--local`, `--dry-run`, `--project-dir`, `--wait`. */
export interface RunOverrides {
  readonly pipelineName?: string;
  readonly datasetName?: string;
  readonly isLocal?: boolean;
  readonly isDryRun?: boolean;
  readonly projectDir?: string;
  /** `run --wait <seconds>`: how long to wait for another run of the pipeline to finish. */
  readonly lockWaitSeconds?: number;
}

/** Progress events for a spinner or log lines. */
export type ProgressEvent =
  | { readonly kind: "extract"; readonly resource: string; readonly items: number }
  | { readonly kind: "load"; readonly loadId: string; readonly step: string; readonly done: number; readonly total: number }
  | { readonly kind: "phase"; readonly text: string };

const KEY = Symbol.for("dlt-athena.run-host");
const NO_HOST: RunHost = { overrides: {} };

/** The host of this process, or one with no overrides and no callbacks. */
export function runHost(): RunHost {
  return ((globalThis as Record<symbol, unknown>)[KEY] as RunHost | undefined) ?? NO_HOST;
}

/** Installs the host every pipeline created afterwards in this process uses. */
export function installRunHost(host: RunHost | undefined): void {
  (globalThis as Record<symbol, unknown>)[KEY] = host;
}

/** Progress as plain stderr lines, throttled so a fast extract does not flood the log. */
export function lineProgress(): (event: ProgressEvent) => void {
  let last = 0;
  return (event) => {
    const now = Date.now();
    if (event.kind !== "phase" && now - last < 1000) return;
    last = now;
    process.stderr.write(`${formatProgress(event)}\n`);
  };
}

/** One progress event as a line of text. */
export function formatProgress(event: ProgressEvent): string {
  return event.kind === "extract" ? `extracting ${event.resource}: ${event.items} items`
    : event.kind === "load" ? `loading ${event.loadId}: step ${event.done}/${event.total} (${event.step})`
    : event.text;
}
