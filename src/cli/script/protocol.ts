/** What `dlt-athena run` and the child running the script tell each other. */
import type { ErrorKind } from "../../errors.js";
import type { DryRunPlan } from "../../pipeline/dry-run.js";
import type { RunOverrides } from "../../pipeline/run-host.js";

/** The environment variable carrying {@link HostInput} as JSON to the child. */
export const HOST_ENV = "DLT_ATHENA_SCRIPT_HOST";

export interface HostInput {
  readonly overrides: RunOverrides;
  /** The script's absolute path. */
  readonly script: string;
  /** The file the child appends {@link ReportLine}s to. */
  readonly reportFile: string;
  /** Send progress events over the IPC channel. */
  readonly progress: boolean;
  /** Log progress as lines on stderr (log level INFO or DEBUG without a spinner). */
  readonly logProgress?: boolean;
}

/** The error that ended the script, as the child saw it. */
export interface ScriptFailure {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly message: string;
  readonly meta?: Record<string, unknown>;
  readonly stack?: string;
}

export type ReportLine =
  | { readonly kind: "load"; readonly load: Record<string, unknown>; readonly text: string }
  | { readonly kind: "dry_run"; readonly plan: DryRunPlan }
  | { readonly kind: "error"; readonly error: ScriptFailure };
