/**
 * Replace for Hive tables: delete every staged file of the named tables before the new files
 * are uploaded (reference §11.6). Deleting is the one irreversible thing staging does, so it is
 * fenced twice: prefixes are built only from validated parts, and every listed key is checked
 * again against the dataset folder and its table folder before it is deleted.
 */
import { LoadError } from "../errors.js";
import { datasetKeyPrefix } from "./bucket-url.js";
import { tablePrefix } from "./layout.js";
import { DELETE_BATCH_SIZE, type ObjectStore } from "./object-store.js";

export interface DeleteTableFilesOptions {
  /** The dataset folder, relative to the store root: `shop_data` or `shop_data/`. */
  readonly datasetPrefix: string;
  /** Tables whose files go, root and child tables alike (`orders`, `orders__items`). */
  readonly tables: readonly string[];
  /** The staging layout; it decides each table's folder (`data/{table_name}/…` → `data/orders/`). */
  readonly layout: string;
}

export interface DeleteTableFilesResult {
  /** Every deleted key, relative to the store root, in the order deleted. */
  readonly deleted: readonly string[];
}

/**
 * Deletes every file under each table's folder: paginated listing of `<dataset>/<table prefix>`,
 * then deletes in batches of 1000. The folder prefix ends in `/`, so `orders` never touches
 * `orders_archive/…` or `orders__items/…` (unless that table is named), and the dataset's
 * `init` marker is never deleted.
 *
 * @example
 * await deleteTableFiles(store, {
 *   datasetPrefix: "shop_data",
 *   tables: ["orders", "orders__items"],
 *   layout: "{table_name}/{load_id}.{file_id}.{ext}",
 * }); // deletes shop_data/orders/… and shop_data/orders__items/…
 */
export async function deleteTableFiles(
  store: ObjectStore,
  options: DeleteTableFilesOptions,
): Promise<DeleteTableFilesResult> {
  const dataset = datasetKeyPrefix(options.datasetPrefix);
  const prefixes = [...new Set(options.tables.map((table) => dataset + tablePrefix(options.layout, table)))];
  // List everything first: deleting while paging could shift S3's continuation point.
  const keys = new Set<string>();
  for (const prefix of prefixes) {
    for await (const object of store.list(prefix)) {
      assertDeletable(object.key, dataset, prefix, store.url);
      keys.add(object.key);
    }
  }
  const deleted = [...keys];
  for (let i = 0; i < deleted.length; i += DELETE_BATCH_SIZE) {
    await store.delete(deleted.slice(i, i + DELETE_BATCH_SIZE));
  }
  return { deleted };
}

/**
 * The guard: throws unless `key` lies strictly inside the dataset folder and inside
 * `tableFolder` (both relative to the store root), and is not the dataset's `init` marker.
 *
 * @example
 * assertDeletable("shop_data/orders/1.a.parquet", "shop_data/", "shop_data/orders/", "s3://b"); // ok
 * assertDeletable("other/orders/1.a.parquet", "shop_data/", "shop_data/orders/", "s3://b");     // throws
 */
export function assertDeletable(key: string, dataset: string, tableFolder: string, rootUrl: string): void {
  const refuse = (why: string): never => {
    throw new LoadError("unsafe_delete_refused", `Refusing to delete ${rootUrl}/${key}: ${why}.`, {
      meta: { key, dataset_prefix: dataset, table_prefix: tableFolder },
    });
  };
  if (!dataset.endsWith("/") || dataset.length < 2) refuse("the dataset prefix would cover the whole bucket");
  if (!tableFolder.startsWith(dataset) || tableFolder.length <= dataset.length || !tableFolder.endsWith("/")) {
    refuse(`the table folder '${tableFolder}' is not a folder inside the dataset folder '${dataset}'`);
  }
  if (!key.startsWith(dataset) || key.length <= dataset.length) refuse(`it is outside the dataset folder '${dataset}'`);
  if (key === `${dataset}init`) refuse("it is the dataset's init marker");
  if (!key.startsWith(tableFolder)) refuse(`it is outside the table folder '${tableFolder}'`);
  if (key.split("/").some((part) => part === "..")) refuse("it contains a '..' segment");
}
