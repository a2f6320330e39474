import chalk from "chalk";
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
  const label = io.isInteractive ? chalk.red("error:") : "error:";
  io.stderr(`${label} ${message}\n`);
  if (!(error instanceof DltAthenaError) && error instanceof Error && error.stack && io.env.DLT_ATHENA_DEBUG) {
    io.stderr(`${error.stack}\n`);
  }
}

export function bold(io: CliIo, text: string): string {
  return io.isInteractive ? chalk.bold(text) : text;
}

export function dim(io: CliIo, text: string): string {
  return io.isInteractive ? chalk.dim(text) : text;
}
