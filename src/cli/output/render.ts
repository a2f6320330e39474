import { Chalk } from "chalk";
import { DltAthenaError, toEnvelope } from "../../errors.js";
import { describeCause } from "../../util/describe-error.js";
import type { CliIo } from "../io.js";

/** One JSON document on stdout, nothing else there. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints an error: as the `--json` envelope on stdout, or as one readable line on stderr. */
export function printError(io: CliIo, error: unknown, asJson: boolean, isDebug = false): void {
  if (isDebug) printDebugDetails(io, error);
  if (asJson) {
    printJson(io, toEnvelope(error));
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const label = colors(io).red("error:");
  io.stderr(`${label} ${message}\n`);
  if (!(error instanceof DltAthenaError) && error instanceof Error && error.stack && io.env.DLT_ATHENA_DEBUG) {
    io.stderr(`${error.stack}\n`);
  }
}

/**
 * Whether output is coloured: `NO_COLOR` (any non-empty value) turns colours off, `FORCE_COLOR`
 * (anything but `0`) on, even without a terminal; otherwise only when a person watches.
 */
export function isColorEnabled(io: CliIo): boolean {
  if (io.env.NO_COLOR) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  return io.isInteractive;
}

/** A chalk whose level follows {@link isColorEnabled}. */
export function colors(io: CliIo): InstanceType<typeof Chalk> {
  return new Chalk({ level: isColorEnabled(io) ? 1 : 0 });
}

/** At log level DEBUG (`--verbose`): the stack and every cause of an error, on stderr. */
function printDebugDetails(io: CliIo, error: unknown): void {
  let current: unknown = error;
  let depth = 0;
  while (current instanceof Error && depth < 5) {
    io.stderr(`${depth === 0 ? "debug:" : "debug: caused by:"} ${current.stack ?? current.message}\n`);
    current = current.cause;
    depth += 1;
  }
  const cause = describeCause(error);
  if (cause) io.stderr(`debug: cause: ${cause}\n`);
}

export function bold(io: CliIo, text: string): string {
  return colors(io).bold(text);
}

export function dim(io: CliIo, text: string): string {
  return colors(io).dim(text);
}
