/**
 * dlt-athena's public API.
 */
export { DltAthenaError, ConfigError, LoadError, UsageError } from "./errors.js";
export { resolveConfig, ResolvedConfig } from "./config/resolve.js";
export type { ConfigLayers, ConfigValue, ResolvedValue, ValueSource } from "./config/resolve.js";
export type * from "./schema/types.js";
