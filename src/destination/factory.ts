import type { ResolvedConfig } from "../config/resolve.js";
import { tomlNameOf } from "../config/spec.js";
import { ConfigError } from "../errors.js";
import { awsSettingsFor, credentialsFor } from "../config/aws.js";
import { checkAthenaConfig } from "../config/preflight.js";
import { PLACEHOLDER } from "../config/resolve.js";
import type { DestinationFactoryInput } from "./contract.js";
import { normalizeTableIdentifier } from "../schema/naming.js";
import { parseBucketUrl } from "../staging/bucket-url.js";
import { createFileStore } from "../staging/file-store.js";
import { validateLayoutForAthena } from "../staging/layout.js";
import type { Engine, WarehouseSettings } from "./warehouse.js";
import { WarehouseDestination } from "./warehouse.js";

/** S3 retries per request: at a 20% fault rate, 9 attempts all fail about once in 2 million requests. */
export const DEFAULT_S3_MAX_RETRIES = 8;

/**
 * Settings shared by both engines, read and validated before anything is extracted: a bad layout
 * or a missing bucket fails here with exit code 2.
 */
export function warehouseSettings(config: ResolvedConfig, datasetName: string): WarehouseSettings {
  const layout = config.requireString("destination.filesystem.layout");
  validateLayoutForAthena(layout);
  const dataset = normalizeTableIdentifier(datasetName);
  return {
    catalog: (config.getString("destination.athena.aws_data_catalog") ?? "awsdatacatalog").toLowerCase(),
    datasetName: dataset,
    stagingDatasetName: stagingDatasetNameOf(config, dataset),
    layout,
    forceIceberg: config.getBoolean("destination.athena.force_iceberg"),
    maxConcurrency: config.getInteger("destination.athena.max_concurrent_queries") ?? 5,
    uploadConcurrency: config.getInteger("destination.filesystem.upload_concurrency") ?? 8,
    keepStagingFiles: config.getBoolean("destination.athena.keep_staging_files"),
  };
}

const STAGING_LAYOUT_KEYS = ["destination.athena.staging_dataset_name_layout", "destination.filesystem.staging_dataset_name_layout"] as const;

/**
 * The staging dataset of `dataset` from dlt's `staging_dataset_name_layout` (`%s` = the dataset
 * name; without `%s` the layout is the name itself). Athena's key names the database and the
 * filesystem's the folder; here one name serves both, so two different values are refused.
 *
 * @throws ConfigError `staging_dataset_layout_conflict`, `staging_dataset_is_dataset`.
 * @example stagingDatasetNameOf(config, "shop"); // "shop_staging"
 */
export function stagingDatasetNameOf(config: ResolvedConfig, dataset: string): string {
  const set = STAGING_LAYOUT_KEYS.map((key) => ({ key, found: config.lookup(key) })).filter((k) => k.found && k.found.source !== "default");
  const distinct = new Set(set.map((k) => String(k.found?.value)));
  if (distinct.size > 1) {
    throw new ConfigError(
      "staging_dataset_layout_conflict",
      `staging_dataset_name_layout differs between ${set.map((k) => `${tomlNameOf(k.key.split("."))} = "${String(k.found?.value)}"`).join(" and ")}: ` +
        `the staging database and its folder must have one name. Set the same value in both, or only one of them.`,
      { meta: { keys: set.map((k) => k.key) } },
    );
  }
  const layout = set.length > 0 ? String(set[0]?.found?.value) : "%s_staging";
  const name = normalizeTableIdentifier(layout.includes("%s") ? layout.replaceAll("%s", dataset) : layout);
  if (name === dataset || name.length === 0) {
    throw new ConfigError(
      "staging_dataset_is_dataset",
      `staging_dataset_name_layout "${layout}" makes the staging dataset of \`${dataset}\` the dataset itself, which would delete its data. ` +
        `Set [destination.athena] staging_dataset_name_layout to a different name, e.g. "%s_staging".`,
      { meta: { layout, dataset } },
    );
  }
  return name;
}

/**
 * The identity of the destination the configuration selects, without opening anything: the
 * local engine's database file, or the Athena catalog + work group + bucket URL. Validates the
 * same keys a real run does (a bad bucket URL fails here with exit code 2).
 *
 * @example destinationIdentity(config); // "athena:awsdatacatalog/primary/s3://lake/raw"
 */
export async function destinationIdentity(config: ResolvedConfig): Promise<string> {
  if (config.getBoolean("destination.athena.local")) {
    const { localModePaths } = await import("./local/engine.js");
    return `local:${localModePaths(config.projectDir).databasePath}`;
  }
  const catalog = (config.getString("destination.athena.aws_data_catalog") ?? "awsdatacatalog").toLowerCase();
  const workGroup = config.getString("destination.athena.athena_work_group") ?? "primary";
  return `athena:${catalog}/${workGroup}/${athenaBucketUrl(config).replace(/\/+$/, "")}`;
}

/** The bucket URL for Athena runs; the local engine has its own folder and needs none. */
export function athenaBucketUrl(config: ResolvedConfig): string {
  return parseBucketUrl(config.requireString("destination.filesystem.bucket_url"), { projectDir: config.projectDir }).url;
}

/** Which catalog and database an engine's client works in. */
export type EngineTarget = Pick<WarehouseSettings, "catalog" | "datasetName">;

async function athenaEngine(config: ResolvedConfig, settings: EngineTarget): Promise<Engine> {
  const bucket = parseBucketUrl(config.requireString("destination.filesystem.bucket_url"), { projectDir: config.projectDir });
  const { createAthenaSqlClient } = await import("./athena/client.js");
  const { athenaDialect, undoStatements } = await import("./athena/dialect.js");
  let store;
  if (bucket.kind === "s3") {
    const { createS3Store } = await import("../staging/s3-store.js");
    const aws = awsSettingsFor(config, "filesystem");
    store = createS3Store({
      bucketUrl: bucket.url,
      ...(aws.region ? { region: aws.region } : {}),
      ...(aws.endpoint ? { endpointUrl: aws.endpoint } : {}),
      // Explicit keys, else the configured profile, else the default chain (resolved lazily).
      credentials: aws.credentials ?? (async () => {
        const credentials = await credentialsFor(aws);
        return typeof credentials === "function" ? credentials() : credentials;
      }),
      // max_retries counts retries: the first attempt is not one of them.
      retry: { attempts: (config.getInteger("destination.filesystem.max_retries") ?? DEFAULT_S3_MAX_RETRIES) + 1 },
    });
  } else {
    store = createFileStore(bucket.path);
  }
  return {
    name: "athena",
    identity: await destinationIdentity(config),
    location: `${bucket.url} on ${settings.catalog}`,
    dialect: athenaDialect,
    client: createAthenaSqlClient(config, { database: settings.datasetName }),
    store,
    bucketUrl: bucket.url,
    undo: undoStatements,
  };
}

async function localEngine(config: ResolvedConfig, settings: EngineTarget): Promise<Engine> {
  const { LocalEngine, localModePaths, storeBesideEngine } = await import("./local/engine.js");
  const { duckdbDialect, duckdbUndoStatements } = await import("./local/dialect.js");
  const paths = localModePaths(config.projectDir);
  const bucketUrl = `file://${paths.bucketRoot}`;
  const client = await LocalEngine.open({ databasePath: paths.databasePath, catalog: settings.catalog });
  return {
    name: "athena (local)",
    identity: `local:${paths.databasePath}`,
    location: paths.databasePath,
    dialect: duckdbDialect({ bucketRoot: paths.bucketRoot, bucketUrl }),
    client,
    store: storeBesideEngine(createFileStore(paths.bucketRoot), client),
    bucketUrl,
    undo: duckdbUndoStatements,
  };
}

/**
 * The engine the configuration selects: Athena on AWS, or the embedded local engine with
 * `--local` / `[destination.athena] local = true`. Also used by `pipeline drop`.
 *
 * @example const engine = await openEngine(config, { catalog: "awsdatacatalog", datasetName: "shop_data" });
 */
export function openEngine(config: ResolvedConfig, target: EngineTarget): Promise<Engine> {
  return config.getBoolean("destination.athena.local") ? localEngine(config, target) : athenaEngine(config, target);
}

/**
 * The `athena` destination over the engine the configuration selects.
 *
 * `forDryRun`: a `--dry-run` without AWS credentials or region plans against nothing deployed,
 * so those two are not required; every other check (the bucket, the layout, a named profile
 * that does not exist) is the real run's, with the same errors.
 *
 * @throws ConfigError (exit 2) for an invalid bucket URL or layout, or missing configuration.
 */
export async function createAthenaDestination(input: DestinationFactoryInput, options: { readonly forDryRun?: boolean } = {}): Promise<WarehouseDestination> {
  const settings = warehouseSettings(input.config, input.datasetName);
  if (!input.config.getBoolean("destination.athena.local")) {
    // A bucket URL that is set but invalid is reported first, the same way in a real and a dry run.
    const bucketUrl = input.config.getString("destination.filesystem.bucket_url");
    if (bucketUrl !== undefined && bucketUrl.trim() !== "" && bucketUrl !== PLACEHOLDER) athenaBucketUrl(input.config);
    // Every value Athena needs is checked here, before any network call, and reported together.
    checkAthenaConfig(input.config, { env: input.config.env, ...(options.forDryRun === true ? { credentialsOptional: true } : {}) });
  }
  return new WarehouseDestination(await openEngine(input.config, settings), settings);
}
