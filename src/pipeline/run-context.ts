import type { DryRunPlan } from "./dry-run.js";
import type { LoadInfo } from "./load-info.js";

/**
 * Overrides the CLI applies to every pipeline a script creates (`--pipeline-name`, `--dataset`,
 * `--local`, `--dry-run`, `--project-dir`), and the load infos it collects for its summary.
 * A script run with plain `tsx` sees no overrides.
 */
export interface RunOverrides {
  readonly pipelineName?: string;
  readonly datasetName?: string;
  readonly isLocal?: boolean;
  readonly isDryRun?: boolean;
  readonly projectDir?: string;
  readonly progress?: boolean;
  /** `run --wait <seconds>`: how long to wait for another run of the pipeline to finish. */
  readonly lockWaitSeconds?: number;
}

/** Progress events for the CLI's spinner; library users get none unless they set a listener. */
export type ProgressEvent =
  | { readonly kind: "extract"; readonly resource: string; readonly items: number }
  | { readonly kind: "load"; readonly loadId: string; readonly step: string; readonly done: number; readonly total: number }
  | { readonly kind: "phase"; readonly text: string };

interface RunContext {
  overrides: RunOverrides;
  progress?: (event: ProgressEvent) => void;
  readonly loadInfos: LoadInfo[];
  readonly dryRuns: DryRunPlan[];
}

const KEY = Symbol.for("dlt-athena.run-context");

/** One context per process, shared even if the package is loaded twice (CLI and the user's script). */
export function runContext(): RunContext {
  const holder = globalThis as unknown as Record<symbol, RunContext | undefined>;
  return (holder[KEY] ??= { overrides: {}, loadInfos: [], dryRuns: [] });
}

export function setRunOverrides(overrides: RunOverrides): void {
  runContext().overrides = overrides;
}

/** Progress as plain stderr lines, throttled so a fast extract does not flood the log. */
export function lineProgress(): (event: ProgressEvent) => void {
  let last = 0;
  return (event) => {
    const now = Date.now();
    if (event.kind !== "phase" && now - last < 1000) return;
    last = now;
    const text =
      event.kind === "extract" ? `extracting ${event.resource}: ${event.items} items`
      : event.kind === "load" ? `loading ${event.loadId}: step ${event.done}/${event.total} (${event.step})`
      : event.text;
    process.stderr.write(`${text}\n`);
  };
}
