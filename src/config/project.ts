import { resolveConfig } from "./resolve.js";
import type { ConfigValue } from "./resolve.js";

/**
 * The folder holding `.dlt/` when none is given: `DLT_PROJECT_DIR` (as in dlt; `dlt-athena run
 * --project-dir` sets it for the script), else the current directory.
 */
export function defaultProjectDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.DLT_PROJECT_DIR || process.cwd();
}

/**
 * A value from the project's configuration (flags > environment > secrets.toml > config.toml),
 * for sources: the counterpart of dlt's `dlt.config.value` / `dlt.secrets.value`.
 *
 * @example
 * const baseUrl = configValue<string>("sources.chess.base_url") ?? "https://api.chess.com/pub";
 */
export function configValue<T extends ConfigValue = ConfigValue>(key: string, options: { readonly projectDir?: string } = {}): T | undefined {
  return resolveConfig({ projectDir: options.projectDir ?? defaultProjectDir() }).get(key) as T | undefined;
}
