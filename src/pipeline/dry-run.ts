import type { ResolvedConfig } from "../config/resolve.js";
import { awsSettingsFor } from "../config/aws.js";
import type { WarehouseDestination } from "../destination/warehouse.js";
import type { Dialect } from "../destination/dialect.js";
import type { LoadPlan } from "../destination/plan.js";
import type { DeployedState } from "../destination/athena/planner.js";
import type { LoadPackage } from "../packages/load-package.js";
import type { StoredSchema } from "../schema/types.js";

/** One planned step as `--dry-run` prints it. */
export interface DryRunStep {
  readonly kind: string;
  readonly sql?: readonly string[];
  readonly files?: readonly { readonly job: string; readonly target: string }[];
  readonly deletes?: { readonly dataset: string; readonly tables: readonly string[] };
}

export interface DryRunPlan {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly destination: string;
  /** The destination's identity (database file, or catalog + work group + bucket). */
  readonly identity: string;
  /** What the plan assumes is deployed: `discovered` (read-only discovery) or `nothing`. */
  readonly assumed: "discovered" | "nothing";
  /** Why, in words (printed with the plan). */
  readonly assumption: string;
  readonly loadId: string;
  readonly waves: readonly (readonly DryRunStep[])[];
  readonly warnings: readonly string[];
}

/**
 * The destination a dry run plans against: built exactly as a real run builds it (the same
 * configuration checks and errors, exit 2), but read-only. `destination` is there when it can be
 * read: the local database file exists, or Athena credentials are configured.
 */
export interface DryRunTarget {
  readonly destination: WarehouseDestination | undefined;
  readonly name: string;
  readonly identity: string;
  readonly reason: string;
  readonly bucketUrl: string;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

/** Whether the AWS SDK can find credentials without a network round trip (keys, a profile, the environment). */
function hasAthenaCredentials(config: ResolvedConfig): boolean {
  const aws = awsSettingsFor(config, "athena");
  if (aws.credentials !== undefined || aws.profile !== undefined) return true;
  const env = process.env;
  return Boolean(env["AWS_ACCESS_KEY_ID"] || env["AWS_PROFILE"] || env["AWS_WEB_IDENTITY_TOKEN_FILE"] || env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] || env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]);
}

/**
 * Opens the dry run's target. Configuration is validated as a real run validates it.
 *
 * @example const target = await openDryRunTarget(config, "shop_data"); // … target.close()
 */
export async function openDryRunTarget(config: ResolvedConfig, datasetName: string): Promise<DryRunTarget> {
  const factory = await import("../destination/factory.js");
  const settings = factory.warehouseSettings(config, datasetName);
  const identity = await factory.destinationIdentity(config);
  const { WarehouseDestination } = await import("../destination/warehouse.js");
  if (config.getBoolean("destination.athena.local")) {
    const { existsSync } = await import("node:fs");
    const { LocalEngine, localModePaths } = await import("../destination/local/engine.js");
    const paths = localModePaths(config.projectDir);
    const bucketUrl = `file://${paths.bucketRoot}`;
    const dialect = (await import("../destination/local/dialect.js")).duckdbDialect({ bucketRoot: paths.bucketRoot, bucketUrl });
    if (!existsSync(paths.databasePath)) {
      return { destination: undefined, name: "athena (local)", identity, reason: `no local database at ${paths.databasePath} yet`, bucketUrl, dialect, close: async () => undefined };
    }
    const client = await LocalEngine.open({ databasePath: paths.databasePath, catalog: settings.catalog, readOnly: true });
    const { createFileStore } = await import("../staging/file-store.js");
    const destination = new WarehouseDestination(
      { name: "athena (local)", identity, location: paths.databasePath, dialect, client, store: createFileStore(paths.bucketRoot), bucketUrl },
      settings,
    );
    return { destination, name: destination.name, identity, reason: `read-only discovery of ${paths.databasePath}`, bucketUrl, dialect, close: () => destination.close() };
  }
  // The real run's destination, so every key is checked the same way; opening it sends nothing.
  const destination = await factory.createAthenaDestination({ config, pipelineName: "", datasetName }, { forDryRun: true });
  const bucketUrl = factory.athenaBucketUrl(config);
  const dialect = (await import("../destination/athena/dialect.js")).athenaDialect;
  if (!hasAthenaCredentials(config)) {
    await destination.close();
    return { destination: undefined, name: "athena", identity, reason: "no AWS credentials are configured for Athena", bucketUrl, dialect, close: async () => undefined };
  }
  return { destination, name: "athena", identity, reason: `read-only discovery of ${destination.location}`, bucketUrl, dialect, close: () => destination.close() };
}

/**
 * Plans a package against what the target holds now (read-only discovery), or against nothing
 * deployed when it cannot be read, and compiles every step. Nothing is written or uploaded.
 */
export async function planDryRun(input: {
  readonly target: DryRunTarget;
  readonly config: ResolvedConfig;
  readonly pkg: LoadPackage;
  readonly schema: StoredSchema;
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly warnings?: readonly string[];
}): Promise<DryRunPlan> {
  const { target, config, pkg, schema } = input;
  const { warehouseSettings } = await import("../destination/factory.js");
  const { planPackage } = await import("../destination/warehouse.js");
  const settings = warehouseSettings(config, input.datasetName);
  let assumed: DryRunPlan["assumed"] = "nothing";
  let reason = target.reason;
  let deployed: DeployedState | undefined;
  if (target.destination !== undefined) {
    try {
      deployed = await target.destination.discoverOnly(pkg, schema);
      assumed = "discovered";
    } catch (error) {
      reason = `${target.name} could not be read: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}`;
    }
  }
  // A plan that cannot be made (a format conflict, a bad name) fails as the real run would.
  const plan: LoadPlan = await planPackage(pkg, schema, settings, target.bucketUrl, deployed);
  return {
    pipelineName: input.pipelineName,
    datasetName: settings.datasetName,
    destination: target.name,
    identity: target.identity,
    assumed,
    assumption: assumed === "discovered" ? `planned against what is deployed now (${reason})` : `planned against nothing deployed (${reason})`,
    loadId: plan.loadId,
    waves: compileWaves(plan, target.dialect, target.bucketUrl),
    warnings: [...(input.warnings ?? []), ...plan.warnings],
  };
}

function compileWaves(plan: LoadPlan, dialect: Dialect, bucketUrl: string): DryRunStep[][] {
  const root = bucketUrl.replace(/\/$/, "");
  return plan.waves.map((wave) =>
    wave.map((step): DryRunStep => {
      const compiled = dialect.compileStep(step);
      if (compiled.kind === "sql") return { kind: step.kind, sql: compiled.statements };
      if (compiled.step.kind === "uploadFiles") {
        return { kind: step.kind, files: compiled.step.files.map((f) => ({ job: f.job, target: `${root}/${f.key}` })) };
      }
      return { kind: step.kind, deletes: { dataset: compiled.step.dataset, tables: compiled.step.tables } };
    }),
  );
}

/** The plan as text: what it assumed, waves, then each step's statements or files. */
export function formatDryRun(plan: DryRunPlan): string {
  const lines = [
    `Plan for pipeline ${plan.pipelineName}, load ${plan.loadId}, into ${plan.destination} dataset ${plan.datasetName} (nothing was executed):`,
    `-- target ${plan.identity}: ${plan.assumption}`,
  ];
  plan.waves.forEach((wave, index) => {
    lines.push(``, `-- wave ${index + 1} (${wave.length} step${wave.length === 1 ? "" : "s"}, run concurrently)`);
    for (const step of wave) {
      lines.push(`-- ${step.kind}`);
      for (const sql of step.sql ?? []) lines.push(`${sql};`);
      for (const file of step.files ?? []) lines.push(`   upload ${file.job} -> ${file.target}`);
      if (step.deletes) lines.push(`   delete every file of ${step.deletes.tables.join(", ")} under ${step.deletes.dataset}/`);
    }
  });
  for (const warning of plan.warnings) lines.push(`warning: ${warning}`);
  return lines.join("\n");
}
