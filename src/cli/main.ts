import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CommanderError } from "commander";
import { exitCodeOf } from "../errors.js";
import type { CliIo } from "./io.js";
import { logLevelOf } from "./output/log-level.js";
import { printError } from "./output/render.js";
import { createProgram, exitCodeOfCommander } from "./program.js";

/** The package version, read once from package.json (two levels above src/cli and dist/cli). */
export function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 a load failed, 2 bad usage or config.
 * The only catch of the program: commands throw, this renders.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io, packageVersion());
  const asJson = argv.includes("--json");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOfCommander(error);
    const { projectDir, verbose } = program.opts<{ projectDir?: string; verbose?: boolean }>();
    const level = logLevelOf(io, resolve(io.cwd, projectDir ?? "."), verbose === true);
    printError(io, error, asJson, level === "DEBUG");
    return exitCodeOf(error);
  }
}
