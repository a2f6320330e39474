/**
 * The destination's parts that `pipeline drop` drives directly: a SQL client, the dialect that
 * compiles plan steps for it, and the staging store, as `destination/factory.ts` assembles them.
 */
import { existsSync } from "node:fs";
import type { ResolvedConfig } from "../../config/resolve.js";
import type { Engine } from "../../destination/warehouse.js";

export type CliEngine = Pick<Engine, "name" | "location" | "client" | "dialect" | "store">;

/**
 * Opens Athena (client + staging store from `[destination.filesystem] bucket_url`) or the local
 * engine. Returns `undefined` in local mode when the project has no local database yet: there is
 * nothing in it, and opening would create an empty one.
 *
 * @throws ConfigError `missing_config` when Athena has no bucket_url.
 * @example
 * const engine = await openCliEngine(config, { database: "shop_data", catalog: "awsdatacatalog" });
 */
export async function openCliEngine(
  config: ResolvedConfig,
  options: { readonly database: string; readonly catalog: string },
): Promise<CliEngine | undefined> {
  const { openEngine } = await import("../../destination/factory.js");
  if (config.getBoolean("destination.athena.local")) {
    const { localModePaths } = await import("../../destination/local/engine.js");
    if (!existsSync(localModePaths(config.projectDir).databasePath)) return undefined;
  }
  return openEngine(config, { catalog: options.catalog, datasetName: options.database });
}
