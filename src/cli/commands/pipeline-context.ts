import { basename, dirname, resolve } from "node:path";
import { resolveConfig } from "../../config/resolve.js";
import type { ResolvedConfig } from "../../config/resolve.js";
import { UsageError } from "../../errors.js";
import { validateDatasetName, validatePipelineName as validateName } from "../../pipeline/names.js";
import type { PipelineState } from "../../state/pipeline-state.js";
import { WorkingFolder, pipelinesDirOf } from "../../pipeline/working-folder.js";
import type { CliIo } from "../io.js";

/** Options of `dlt-athena pipeline <name> <operation>`. */
export interface PipelineCommandOptions {
  readonly local?: boolean;
  readonly json?: boolean;
  /** `drop` without asking. */
  readonly yes?: boolean;
  /** The dataset to restore from (`sync`, `drop`) when the working folder is gone. */
  readonly dataset?: string;
  readonly projectDir?: string;
}

/** What every `pipeline` operation resolves first: config, working folder, local or AWS. */
export interface PipelineContext {
  readonly io: CliIo;
  readonly name: string;
  readonly options: PipelineCommandOptions;
  readonly projectDir: string;
  readonly config: ResolvedConfig;
  readonly pipelinesDir: string;
  readonly folder: WorkingFolder;
  readonly isLocal: boolean;
  /** `athena (local)` or `athena`, as load infos name the destination. */
  readonly destinationName: string;
}

/**
 * Resolves the project's configuration (with `--local` as a flag) and the pipeline's working
 * folder. The name must be a plain folder name: `drop` removes `<pipelines_dir>/<name>`, so a
 * name with a path in it must never reach the file system.
 *
 * @example
 * const ctx = pipelineContext(io, "shop", { local: true });
 * ctx.folder.path; // "~/.dlt-athena/pipelines/shop"
 */
export function pipelineContext(io: CliIo, name: string, options: PipelineCommandOptions): PipelineContext {
  validatePipelineName(name);
  if (options.dataset !== undefined) validateDatasetName(options.dataset, "--dataset");
  const projectDir = resolve(io.cwd, options.projectDir ?? ".");
  const config = resolveConfig({ projectDir, env: io.env, flags: options.local ? { "destination.athena.local": true } : {} });
  const pipelinesDir = pipelinesDirOf(config, io.cwd);
  const folder = new WorkingFolder(pipelinesDir, name);
  if (dirname(folder.path) !== pipelinesDir || basename(folder.path) !== name) {
    throw invalidName(name);
  }
  const isLocal = config.getBoolean("destination.athena.local");
  return { io, name, options, projectDir, config, pipelinesDir, folder, isLocal, destinationName: isLocal ? "athena (local)" : "athena" };
}

/**
 * Refuses names that are not a single folder name (`a/b`, `..`, empty, control characters).
 *
 * @throws UsageError `invalid_pipeline_name`
 * @example validatePipelineName("shop"); // ok
 */
export function validatePipelineName(name: string): void {
  validateName(name);
}

function invalidName(name: string): UsageError {
  try {
    validateName(name);
  } catch (error) {
    return error as UsageError;
  }
  return new UsageError("invalid_pipeline_name", `${JSON.stringify(name)} is not a pipeline name: use the name given to pipeline({ pipelineName }), e.g. chess_pipeline.`, {
    meta: { pipeline: name },
  });
}

/**
 * The local state, or a `pipeline_not_found` usage error saying how to get one.
 *
 * @throws UsageError `pipeline_not_found` (exit code 2)
 */
export async function requireState(ctx: Pick<PipelineContext, "name" | "folder" | "pipelinesDir" | "isLocal">): Promise<PipelineState> {
  const state = await ctx.folder.readState();
  if (state) return state;
  const local = ctx.isLocal ? " --local" : "";
  throw new UsageError(
    "pipeline_not_found",
    `Pipeline "${ctx.name}" has no working folder in ${ctx.pipelinesDir}: run its script first (dlt-athena run <script>${local}), ` +
      `or restore it from the destination with \`dlt-athena pipeline ${ctx.name} sync${local}\` (add --dataset <name> if its dataset is not ${ctx.name}_dataset). ` +
      `If it lives in another folder, set [pipeline] pipelines_dir or PIPELINE__PIPELINES_DIR.`,
    { meta: { pipeline: ctx.name, pipelines_dir: ctx.pipelinesDir } },
  );
}

/** The dataset an operation works on: `--dataset`, else the local state's, else the pipeline default. */
export function datasetOf(ctx: PipelineContext, state: PipelineState | undefined): string {
  return ctx.options.dataset ?? state?.dataset_name ?? `${ctx.name}_dataset`;
}
