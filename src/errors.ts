import { snakeCaseKeys } from "./util/snake-case.js";

/**
 * One error base for the whole tool: a stable `code`, a message that names what went wrong and
 * how to fix it, JSON-safe `meta`, an optional `cause`, and whether a retry can help.
 * Library code throws these; only `cli/` turns them into output and exit codes.
 */
import { maskSecrets } from "./util/secrets.js";

export type ErrorKind = "usage" | "config" | "load" | "interrupted" | "internal";

export interface DltAthenaErrorOptions {
  readonly meta?: Record<string, unknown>;
  readonly cause?: unknown;
  /** A transient error may succeed when retried (throttling, network). Default false. */
  readonly isTransient?: boolean;
}

/** Marks our errors so they are recognised even when a script loaded a second copy of the package. */
const BRAND = Symbol.for("dlt-athena.error");

export class DltAthenaError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const branded = value as { [BRAND]?: boolean; name?: string } | null;
    return typeof branded === "object" && branded !== null && branded[BRAND] === true &&
      (this.name === "DltAthenaError" || branded.name === this.name);
  }

  readonly [BRAND] = true;
  readonly code: string;
  readonly kind: ErrorKind;
  readonly meta: Record<string, unknown>;
  readonly isTransient: boolean;

  constructor(code: string, kind: ErrorKind, message: string, options: DltAthenaErrorOptions = {}) {
    // No credential the run knows of ever travels in an error message (util/secrets.ts).
    super(maskSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.meta = options.meta ?? {};
    this.isTransient = options.isTransient ?? false;
  }
}

/** Bad command-line usage: unknown names, invalid arguments. Exit code 2. */
export class UsageError extends DltAthenaError {
  constructor(code: string, message: string, options?: DltAthenaErrorOptions) {
    super(code, "usage", message, options);
  }
}

/** Bad or missing configuration, detected before anything is uploaded. Exit code 2. */
export class ConfigError extends DltAthenaError {
  constructor(code: string, message: string, options?: DltAthenaErrorOptions) {
    super(code, "config", message, options);
  }
}

/** A step of a run failed (extract, normalize, load). Exit code 1. */
export class LoadError extends DltAthenaError {
  constructor(code: string, message: string, options?: DltAthenaErrorOptions) {
    super(code, "load", message, options);
  }
}

/**
 * The run stopped at a safe point because of SIGINT or SIGTERM; what it left is resumable by the
 * next run. Exit code 130 (SIGINT) or 143 (SIGTERM), as a shell reports a process killed by them.
 */
export class InterruptedError extends DltAthenaError {
  readonly signal: "SIGINT" | "SIGTERM";

  constructor(signal: "SIGINT" | "SIGTERM", where: string) {
    super(
      "interrupted",
      "interrupted",
      `Stopped by ${signal} ${where}. Everything finished so far is kept; run the same command again to continue.`,
      { meta: { signal } },
    );
    this.signal = signal;
  }
}

/** Exit codes of the CLI contract: 0 ok, 1 a load failed, 2 bad usage or config, 130/143 interrupted. */
export function exitCodeOf(error: unknown): 1 | 2 | 130 | 143 {
  if (error instanceof DltAthenaError && (error.kind === "usage" || error.kind === "config")) {
    return 2;
  }
  if (error instanceof DltAthenaError && error.kind === "interrupted") {
    return error.meta.signal === "SIGTERM" ? 143 : 130;
  }
  return 1;
}

/** The `--json` form of an error: `{ status: "error", error: { code, message, ...meta } }`. */
export function toEnvelope(error: unknown): { status: "error"; error: Record<string, unknown> } {
  if (error instanceof DltAthenaError) {
    return { status: "error", error: { code: error.code, message: error.message, ...(snakeCaseKeys(error.meta) as Record<string, unknown>) } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: "error", error: { code: "internal_error", message } };
}
