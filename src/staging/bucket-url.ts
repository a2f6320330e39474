/**
 * `bucket_url` parsing and the URL/key helpers built on it (reference §11.2–11.3).
 *
 * Keys inside a store are relative to the bucket URL root (`s3://bucket/prefix` → keys under
 * `prefix/`), so the same key string addresses a file in S3 and in a local folder.
 */
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "../errors.js";

/** A parsed `bucket_url`. `url` is normalized: no trailing `/`. */
export type BucketUrl =
  | { readonly kind: "s3"; readonly url: string; readonly bucket: string; readonly prefix: string }
  | { readonly kind: "file"; readonly url: string; readonly path: string };

export interface ParseBucketUrlOptions {
  /** Relative `file://` URLs and bare relative paths are resolved against this folder. */
  readonly projectDir: string;
}

// S3 bucket naming rules, simplified: 3–63 chars of lower-case letters, digits, dots, hyphens.
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses `s3://bucket[/prefix]`, `file:///abs/path`, `file://rel/path` or a bare local path.
 * Unsupported schemes (gs, az, …) are a {@link ConfigError} `invalid_bucket_url`.
 *
 * @example
 * parseBucketUrl("s3://my-lake/raw/", { projectDir: "/p" });
 * // { kind: "s3", url: "s3://my-lake/raw", bucket: "my-lake", prefix: "raw" }
 * parseBucketUrl("file://data/bucket", { projectDir: "/p" });
 * // { kind: "file", url: "file:///p/data/bucket", path: "/p/data/bucket" }
 */
export function parseBucketUrl(raw: string, options: ParseBucketUrlOptions): BucketUrl {
  const value = raw.trim();
  if (value === "") throw invalid(raw, "the value is empty");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();

  if (scheme === "s3") {
    const rest = value.slice("s3://".length);
    const [bucket = "", ...parts] = rest.split("/");
    if (!S3_BUCKET.test(bucket)) {
      throw invalid(raw, `'${bucket}' is not a valid S3 bucket name (3-63 lower-case letters, digits, '.', '-')`);
    }
    const prefix = parts.filter((p) => p !== "").join("/");
    if (prefix.split("/").some((p) => p === "." || p === "..")) {
      throw invalid(raw, "the prefix must not contain '.' or '..' segments");
    }
    return { kind: "s3", url: prefix === "" ? `s3://${bucket}` : `s3://${bucket}/${prefix}`, bucket, prefix };
  }
  if (scheme === "file") {
    // `file:///abs` has an empty host; `file://rel/path` is not a valid URL in the strict
    // sense, but dlt users write it to mean "relative to the project", so we accept it.
    const rest = decodeURIComponent(value.slice("file://".length));
    if (rest === "") throw invalid(raw, "the URL has no path");
    return fileUrl(raw, isAbsolute(rest) ? rest : resolve(options.projectDir, rest));
  }
  if (scheme !== undefined) {
    throw invalid(raw, `the scheme '${scheme}://' is not supported for Athena staging; use s3:// or file://`);
  }
  // No scheme at all: a local path, as dlt treats it.
  return fileUrl(raw, isAbsolute(value) ? value : resolve(options.projectDir, value));
}

function fileUrl(raw: string, path: string): BucketUrl {
  const normalized = resolve(path);
  // Replace deletes run under this folder; the file system root is never a sane staging root.
  if (normalized === "/") throw invalid(raw, "the file system root cannot be a staging bucket");
  return { kind: "file", url: `file://${normalized}`, path: normalized };
}

function invalid(raw: string, detail: string): ConfigError {
  return new ConfigError(
    "invalid_bucket_url",
    `Invalid bucket_url '${raw}': ${detail}. Examples: 's3://my-lake/raw', 'file:///var/data/bucket', 'file://.dlt/local/bucket'.`,
    { meta: { bucket_url: raw } },
  );
}

/**
 * The key prefix of a dataset folder inside the store: `<dataset>/`. Refuses names that would
 * escape or cover the whole root.
 *
 * @example
 * datasetKeyPrefix("shop_data"); // "shop_data/"
 */
export function datasetKeyPrefix(dataset: string): string {
  const name = dataset.replace(/\/+$/, "");
  if (name === "" || name.split("/").some((p) => p === "" || p === "." || p === "..")) {
    throw new ConfigError("invalid_dataset_name", `Invalid dataset name '${dataset}' for a staging folder.`, {
      meta: { dataset },
    });
  }
  return `${name}/`;
}

/**
 * The dataset folder URL: `<bucket_url>/<dataset>/`.
 *
 * @example
 * datasetFolderUrl(parsed, "shop_data"); // "s3://my-lake/raw/shop_data/"
 */
export function datasetFolderUrl(bucket: BucketUrl, dataset: string): string {
  return `${bucket.url}/${datasetKeyPrefix(dataset)}`;
}

/**
 * The Athena table LOCATION `<bucket_url>/<dataset>/<tablePrefix>`. `tablePrefix` is a table
 * name or a layout table prefix such as `orders/`; the result always ends in exactly one `/`.
 * Unlike dlt, a trailing `/` in the configured bucket_url never yields `//` (we normalize it).
 *
 * @example
 * tableLocation(parseBucketUrl("s3://my-lake/raw/", o), "shop_data", "orders");
 * // "s3://my-lake/raw/shop_data/orders/"
 */
export function tableLocation(bucket: BucketUrl, dataset: string, tablePrefix: string): string {
  const table = tablePrefix.replace(/^\/+|\/+$/g, "");
  if (table === "") throw new ConfigError("invalid_table_prefix", "A table LOCATION needs a non-empty table name.");
  return `${datasetFolderUrl(bucket, dataset)}${table}/`;
}

/**
 * The full URL of an object key relative to the bucket root (used in reference files and errors).
 *
 * @example
 * objectUrl(parseBucketUrl("s3://b/raw", o), "shop_data/orders/1.a.parquet"); // "s3://b/raw/shop_data/orders/1.a.parquet"
 */
export function objectUrl(bucket: BucketUrl, key: string): string {
  return `${bucket.url}/${key.replace(/^\/+/, "")}`;
}
