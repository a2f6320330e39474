/**
 * Every configuration key the tool reads, with dlt's section path, its type, default and whether
 * it is a secret. This table is the single mapping between dlt's snake_case keys (TOML sections
 * and `SECTION__KEY` environment variables) and the typed accessors in `resolve.ts`.
 */

export type ConfigValueType = "string" | "boolean" | "integer" | "string-array";

export interface ConfigKeySpec {
  /** Section path plus key, e.g. `["destination", "athena", "query_result_bucket"]`. */
  readonly path: readonly string[];
  readonly type: ConfigValueType;
  readonly description: string;
  readonly default?: string | boolean | number;
  /** Secret values are never printed, and are refused in config.toml. */
  readonly isSecret?: boolean;
  /** Another key whose value is used when this one is not set anywhere. */
  readonly fallback?: readonly string[];
}

const DEFAULT_LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}";

function credentialKeys(section: readonly string[], fallback?: readonly string[]): ConfigKeySpec[] {
  const keys: Array<[string, string, boolean]> = [
    ["aws_access_key_id", "AWS access key id; without keys the AWS default credential chain is used", false],
    ["aws_secret_access_key", "AWS secret access key", true],
    ["aws_session_token", "AWS session token for temporary credentials", true],
    ["profile_name", "a profile from ~/.aws/credentials and ~/.aws/config", false],
    ["region_name", "AWS region, e.g. eu-central-1", false],
    ["endpoint_url", "a custom endpoint (S3- or Athena-compatible server)", false],
  ];
  return keys.map(([key, description, isSecret]) => ({
    path: [...section, "credentials", key],
    type: "string",
    description,
    isSecret,
    ...(fallback ? { fallback: [...fallback, "credentials", key] } : {}),
  }));
}

const FILESYSTEM = ["destination", "filesystem"] as const;
const ATHENA = ["destination", "athena"] as const;

export const CONFIG_SPEC: readonly ConfigKeySpec[] = [
  { path: [...FILESYSTEM, "bucket_url"], type: "string", description: "staging bucket: s3://bucket[/prefix] or file:///path" },
  { path: [...FILESYSTEM, "layout"], type: "string", default: DEFAULT_LAYOUT, description: "file name layout under the dataset folder" },
  { path: [...FILESYSTEM, "staging_dataset_name_layout"], type: "string", default: "%s_staging", description: "staging dataset folder: %s is the dataset name" },
  { path: [...FILESYSTEM, "upload_concurrency"], type: "integer", default: 8, description: "parallel uploads" },
  { path: [...FILESYSTEM, "max_retries"], type: "integer", default: 8, description: "retries per S3 request after a throttled (503 SlowDown), failed (5xx) or reset one, with jittered backoff; the first attempt is not counted" },
  ...credentialKeys(FILESYSTEM),
  { path: [...ATHENA, "query_result_bucket"], type: "string", description: "s3:// folder for Athena query results; leave unset for work groups with managed query results" },
  { path: [...ATHENA, "athena_work_group"], type: "string", description: "Athena work group" },
  { path: [...ATHENA, "aws_data_catalog"], type: "string", default: "awsdatacatalog", description: "catalog of the dataset's database" },
  { path: [...ATHENA, "staging_dataset_name_layout"], type: "string", default: "%s_staging", description: "staging database of Iceberg loads: %s is the dataset name" },
  { path: [...ATHENA, "force_iceberg"], type: "boolean", default: false, description: "create every table as an Iceberg table" },
  { path: [...ATHENA, "local"], type: "boolean", default: false, description: "run on the embedded local engine instead of AWS" },
  { path: [...ATHENA, "max_concurrent_queries"], type: "integer", default: 5, description: "Athena statements in flight at once" },
  { path: [...ATHENA, "max_retries"], type: "integer", default: 7, description: "retries per Athena API call after throttling, 5xx or a reset, and of a query that lost an Iceberg commit race; the first attempt is not counted" },
  { path: [...ATHENA, "keep_staging_files"], type: "boolean", default: false, description: "keep the staging dataset's files after a successful load" },
  // Athena credentials fall back to the staging credentials, so most projects set them once.
  ...credentialKeys(ATHENA, FILESYSTEM),
  { path: ["normalize", "data_writer", "compression"], type: "string", default: "snappy", description: "Parquet codec: snappy or zstd" },
  { path: ["normalize", "data_writer", "file_max_items"], type: "integer", description: "rows per Parquet file before a new file starts" },
  { path: ["normalize", "data_writer", "file_max_bytes"], type: "integer", description: "approximate bytes per Parquet file before a new file starts" },
  { path: ["pipeline", "pipelines_dir"], type: "string", description: "working folder for pipelines (default ~/.dlt-athena/pipelines)" },
  { path: ["runtime", "log_level"], type: "string", default: "WARNING", description: "log level" },
];

/** `DESTINATION__ATHENA__QUERY_RESULT_BUCKET` for `destination.athena.query_result_bucket`. */
export function envNameOf(path: readonly string[]): string {
  return path.map((part) => part.toUpperCase()).join("__");
}

/** `[destination.athena] query_result_bucket` for messages. */
export function tomlNameOf(path: readonly string[]): string {
  const section = path.slice(0, -1).join(".");
  return section ? `[${section}] ${path[path.length - 1]}` : String(path[0]);
}

export function specOf(path: readonly string[]): ConfigKeySpec | undefined {
  const dotted = path.join(".");
  return CONFIG_SPEC.find((spec) => spec.path.join(".") === dotted);
}
