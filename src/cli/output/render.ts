import { Chalk } from "chalk";
import { DltAthenaError, toEnvelope } from "../../errors.js";
import type { CliIo } from "../io.js";

/** One JSON document on stdout, nothing else there. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints an error: as the `--json` envelope on stdout, or as one readable line on stderr. */
export function printError(io: CliIo, error: unknown, asJson: boolean): void {
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

export function bold(io: CliIo, text: string): string {
  return colors(io).bold(text);
}

export function dim(io: CliIo, text: string): string {
  return colors(io).dim(text);
}
