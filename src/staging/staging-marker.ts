/**
 * Whose is `<dataset>_staging`? Iceberg loads stage their files in a staging dataset and empty it
 * before and after each load; `pipeline drop` drops its tables. A dataset of that name may
 * belong to another pipeline, so before anything there is deleted or dropped it must be proven
 * to be this dataset's own staging: a marker object `<staging>/_dlt_staging.json` written when
 * it was first used (`{"staging_of": "<dataset>"}`; Hive and Athena skip names starting with `_`).
 *
 * Without a marker, the catalog is asked once whether a database of that name holds dlt's own
 * tables (`_dlt_loads`, `_dlt_version`: a dataset some pipeline loaded; a staging dataset never
 * has them), and the folder is listed: it is claimed only when the catalog has no such table and
 * every object lies in a table folder of this dataset's schema (empty, or a staging dataset made
 * before markers existed). Anything else is refused, naming the dataset and the key that gives
 * staging another name.
 */
import { ConfigError } from "../errors.js";
import { datasetKeyPrefix } from "./bucket-url.js";
import { tablePrefix } from "./layout.js";
import type { ObjectStore } from "./object-store.js";

export const STAGING_MARKER = "_dlt_staging.json";

interface Marker {
  readonly staging_of: string;
}

export interface StagingClaim {
  readonly dataset: string;
  readonly stagingDataset: string;
  /** The staging layout (table folders). */
  readonly layout: string;
  /** Tables of this dataset's schemas; their folders may already be in a staging folder without a marker. */
  readonly ownTables: readonly string[];
  /** Asks the catalog whether a database of that name holds dlt's own tables (one query). */
  readonly holdsDltTables: () => Promise<string | undefined>;
}

const LAYOUT_KEY = "[destination.athena] staging_dataset_name_layout";

/**
 * Makes sure `stagingDataset` is the staging of `dataset` (claiming it with a marker when it is
 * new), else throws.
 *
 * @throws ConfigError `staging_dataset_not_own`
 * @example await claimStagingDataset(store, { dataset: "shop", stagingDataset: "shop_staging", layout, ownTables: ["orders"] });
 */
export async function claimStagingDataset(store: ObjectStore, claim: StagingClaim): Promise<void> {
  const folder = datasetKeyPrefix(claim.stagingDataset);
  const markerKey = `${folder}${STAGING_MARKER}`;
  const marker = await readMarker(store, markerKey);
  if (marker !== undefined) {
    if (marker.staging_of === claim.dataset) return;
    throw notOwn(claim, `it is the staging dataset of \`${marker.staging_of}\` (${store.url}/${markerKey})`);
  }
  const dltTable = await claim.holdsDltTables();
  if (dltTable !== undefined) {
    throw notOwn(claim, `it holds dlt's table \`${dltTable}\`, so it is a dataset some pipeline loads into`);
  }
  const tableFolders = claim.ownTables.map((t) => `${folder}${tablePrefix(claim.layout, t)}`);
  for await (const object of store.list(folder)) {
    const name = object.key.slice(folder.length);
    if (name === "init") continue;
    if (name.startsWith("_dlt_loads") || name.startsWith("_dlt_version")) {
      throw notOwn(claim, `it holds dlt's own tables (${store.url}/${object.key}), so it is a dataset loaded by a pipeline`);
    }
    // Merge helper tables are named `<root>_<op>_<hash>` beside the staging copies.
    const top = name.split("/")[0] ?? "";
    const isOwn = tableFolders.some((prefix) => object.key.startsWith(prefix)) || claim.ownTables.some((t) => top.startsWith(`${t}_`));
    if (!isOwn) {
      throw notOwn(claim, `it holds ${store.url}/${object.key}, which is no staging file of \`${claim.dataset}\``);
    }
  }
  await store.put(markerKey, `${JSON.stringify({ staging_of: claim.dataset } satisfies Marker)}\n`);
}

/**
 * Refuses to load into a dataset that is another dataset's staging (its files would be deleted
 * by that dataset's next load).
 *
 * @throws ConfigError `dataset_is_staging`
 */
export async function assertNotStaging(store: ObjectStore, dataset: string): Promise<void> {
  const markerKey = `${datasetKeyPrefix(dataset)}${STAGING_MARKER}`;
  const marker = await readMarker(store, markerKey);
  if (marker === undefined || marker.staging_of === dataset) return;
  throw new ConfigError(
    "dataset_is_staging",
    `Dataset \`${dataset}\` is the staging dataset of \`${marker.staging_of}\` (${store.url}/${markerKey}): loading into it would mix this pipeline's data with ` +
      `staging files that \`${marker.staging_of}\`'s loads delete. Load into another dataset, or give \`${marker.staging_of}\`'s staging another name with ${LAYOUT_KEY}.`,
    { meta: { dataset, staging_of: marker.staging_of, key: "destination.athena.staging_dataset_name_layout" } },
  );
}

async function readMarker(store: ObjectStore, key: string): Promise<Marker | undefined> {
  if (!(await store.exists(key))) return undefined;
  try {
    const parsed = JSON.parse((await store.get(key)).toString("utf8")) as Partial<Marker>;
    return { staging_of: String(parsed.staging_of ?? "") };
  } catch {
    return { staging_of: "" };
  }
}

function notOwn(claim: StagingClaim, why: string): ConfigError {
  return new ConfigError(
    "staging_dataset_not_own",
    `Refusing to use dataset \`${claim.stagingDataset}\` as the staging dataset of \`${claim.dataset}\`: ${why}. Nothing in it was deleted or dropped. ` +
      `Give the staging dataset a name of its own with ${LAYOUT_KEY} (for example "%s_dlt_staging"), or load into another dataset.`,
    { meta: { dataset: claim.dataset, staging_dataset: claim.stagingDataset, key: "destination.athena.staging_dataset_name_layout" } },
  );
}
