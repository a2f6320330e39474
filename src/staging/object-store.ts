/**
 * The one interface both staging stores (S3 and a local folder) implement, and the bounded
 * concurrency upload helper built on it. Keys are relative to the bucket URL root and use `/`.
 */
import type { Readable } from "node:stream";
import { forEachLimit } from "../util/concurrency.js";

/** What `put` accepts: bytes, text, a local file (`{ path }`) or a stream (read once). */
export type PutBody = Buffer | Uint8Array | string | { readonly path: string } | Readable;

/** One listed object. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
}

export interface ObjectStore {
  /** The store root as a URL (`s3://bucket/prefix`, `file:///abs/path`), for messages. */
  readonly url: string;
  /** Writes an object; readers never see a partial object. */
  put(key: string, body: PutBody): Promise<void>;
  /** Reads a whole object; a missing key is a LoadError `staging_object_not_found`. */
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix` (plain string prefix, as S3), in key order, page by page. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deletes keys; a missing key counts as deleted. */
  delete(keys: readonly string[]): Promise<void>;
}

/** One file for {@link uploadAll}. */
export interface UploadItem {
  readonly key: string;
  readonly body: PutBody;
}

export const DEFAULT_UPLOAD_CONCURRENCY = 8;

/** Keys per delete request: S3's DeleteObjects limit, used by every store and by replace. */
export const DELETE_BATCH_SIZE = 1000;

/**
 * Uploads many objects with at most `concurrency` in flight (default 8). On the first failure no
 * new upload starts; in-flight ones settle and the first error is thrown. Retries are the
 * store's business (each `put` retries on its own).
 *
 * @example
 * await uploadAll(store, files.map((f) => ({ key: `shop/orders/${f.name}`, body: { path: f.path } })), { concurrency: 8 });
 */
export async function uploadAll(
  store: ObjectStore,
  items: readonly UploadItem[],
  options: { readonly concurrency?: number; readonly onUploaded?: (key: string) => void } = {},
): Promise<void> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_UPLOAD_CONCURRENCY));
  await forEachLimit(items, concurrency, async (item) => {
    await store.put(item.key, item.body);
    options.onUploaded?.(item.key);
  });
}

/**
 * Collects an async listing into an array (handy in tests and small folders).
 *
 * @example
 * const keys = (await listAll(store, "shop_data/orders/")).map((o) => o.key);
 */
export async function listAll(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of store.list(prefix)) out.push(info);
  return out;
}
