import type { ResolvedConfig } from "../config/resolve.js";
import { ConfigError } from "../errors.js";
import type { Dialect } from "../destination/dialect.js";
import type { LoadPlan } from "../destination/plan.js";
import type { LoadPackage } from "../packages/load-package.js";
import type { StoredSchema } from "../schema/types.js";
import { parseBucketUrl } from "../staging/bucket-url.js";
import { readDeployed, toDeployedState } from "./deployed.js";

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
  readonly loadId: string;
  readonly waves: readonly (readonly DryRunStep[])[];
  readonly warnings: readonly string[];
}

function bucketUrlFor(config: ResolvedConfig, isLocal: boolean, localBucket: string): string {
  if (isLocal) return `file://${localBucket}`;
  try {
    return parseBucketUrl(config.requireString("destination.filesystem.bucket_url"), { projectDir: config.projectDir }).url;
  } catch (error) {
    // No bucket configured yet: the plan still shows its shape, with the bucket left symbolic.
    if (error instanceof ConfigError) return "s3://<bucket_url>";
    throw error;
  }
}

/**
 * Plans a package against what this pipeline last deployed (nothing for a new pipeline) and
 * compiles every step, touching neither S3 nor Athena and needing no credentials.
 */
export async function planDryRun(input: {
  readonly config: ResolvedConfig;
  readonly pkg: LoadPackage;
  readonly schema: StoredSchema;
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly workingFolder: string;
}): Promise<DryRunPlan> {
  const { config, pkg, schema } = input;
  const { warehouseSettings } = await import("../destination/factory.js");
  const { planPackage } = await import("../destination/warehouse.js");
  const { localModePaths } = await import("../destination/local/engine.js");
  const settings = warehouseSettings(config, input.datasetName);
  const isLocal = config.getBoolean("destination.athena.local");
  const localBucket = localModePaths(config.projectDir).bucketRoot;
  const bucketUrl = bucketUrlFor(config, isLocal, localBucket);
  const deployed = toDeployedState(await readDeployed(input.workingFolder), schema.versionHash);
  const plan = await planPackage(pkg, schema, settings, bucketUrl, deployed);
  const dialect: Dialect = isLocal
    ? (await import("../destination/local/dialect.js")).duckdbDialect({ bucketRoot: localBucket, bucketUrl })
    : (await import("../destination/athena/dialect.js")).athenaDialect;
  return {
    pipelineName: input.pipelineName,
    datasetName: settings.datasetName,
    destination: isLocal ? "athena (local)" : "athena",
    loadId: plan.loadId,
    waves: compileWaves(plan, dialect, bucketUrl),
    warnings: plan.warnings,
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

/** The plan as text: waves, then each step's statements or files. */
export function formatDryRun(plan: DryRunPlan): string {
  const lines = [`Plan for pipeline ${plan.pipelineName}, load ${plan.loadId}, into ${plan.destination} dataset ${plan.datasetName} (nothing was executed):`];
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
