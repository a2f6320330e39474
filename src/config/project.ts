import { runContext } from "../pipeline/run-context.js";
import { resolveConfig } from "./resolve.js";
import type { ConfigValue } from "./resolve.js";

/**
 * A value from the project's configuration (flags > environment > secrets.toml > config.toml),
 * for sources: the counterpart of dlt's `dlt.config.value` / `dlt.secrets.value`.
 *
 * @example
 * const baseUrl = configValue<string>("sources.chess.base_url") ?? "https://api.chess.com/pub";
 */
export function configValue<T extends ConfigValue = ConfigValue>(key: string): T | undefined {
  const projectDir = runContext().overrides.projectDir ?? process.cwd();
  return resolveConfig({ projectDir }).get(key) as T | undefined;
}
