import { resolveConfig } from "../../config/resolve.js";
import type { CliIo } from "../io.js";

/** dlt's levels, most verbose first. */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The log level of a command: `--verbose` is DEBUG; else `[runtime] log_level` (config.toml or
 * `RUNTIME__LOG_LEVEL`); default WARNING. DEBUG prints stacks and causes of errors, INFO and
 * DEBUG log progress lines to stderr when there is no spinner, ERROR hides warnings.
 */
export function logLevelOf(io: CliIo, projectDir: string, isVerbose: boolean): LogLevel {
  if (isVerbose) return "DEBUG";
  let configured: unknown;
  try {
    configured = resolveConfig({ projectDir, env: io.env }).get("runtime.log_level");
  } catch {
    configured = undefined; // a broken config file is reported by the command itself
  }
  const level = typeof configured === "string" ? configured.trim().toUpperCase() : "WARNING";
  if (level === "WARN") return "WARNING";
  if (level === "CRITICAL") return "ERROR";
  return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : "WARNING";
}

/** True when messages of `level` are shown at the configured level. */
export function isShown(level: LogLevel, configured: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(configured);
}
