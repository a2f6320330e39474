/**
 * Names that become folders: a pipeline name is the working folder under `pipelines_dir`, a
 * dataset name is an Athena database and the S3 folder `<bucket_url>/<dataset>/`. Both are
 * checked wherever they are given (`pipeline()`, the CLI flags, `pipeline <name> …`), before
 * anything is created, so no name can reach outside its folder.
 */
import { UsageError } from "../errors.js";

/** The rule, as stated in errors. */
export const PIPELINE_NAME_RULE =
  "1 to 64 characters: letters, digits, `_`, `-` and `.`, starting with a letter, digit or `_` (no `/`, `\\`, `..` or spaces)";
export const DATASET_NAME_RULE =
  "1 to 100 characters without `/`, `\\`, `..`, control characters or a leading `.`; it is normalized to snake_case (it becomes an Athena database and an S3 folder)";

const PIPELINE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const isDatasetName = (name: string) =>
  name.trim() !== "" && name.length <= 100 && !name.startsWith(".") && !name.includes("..") && !/[/\\\u0000-\u001f\u007f]/.test(name);

/**
 * Refuses a pipeline name that is not a plain folder name.
 *
 * @throws UsageError `invalid_pipeline_name` (exit code 2), stating the rule.
 * @example validatePipelineName("chess_pipeline"); // ok
 */
export function validatePipelineName(name: string, where = "pipeline name"): string {
  if (typeof name !== "string" || !PIPELINE_NAME.test(name) || name.includes("..")) {
    throw new UsageError(
      "invalid_pipeline_name",
      `${JSON.stringify(name)} is not a valid ${where}: use ${PIPELINE_NAME_RULE}, e.g. chess_pipeline.`,
      { meta: { pipeline: String(name), rule: PIPELINE_NAME_RULE } },
    );
  }
  return name;
}

/**
 * Refuses a dataset name that could not be an Athena database or a single S3 folder.
 *
 * @throws UsageError `invalid_dataset_name` (exit code 2), stating the rule.
 * @example validateDatasetName("chess_data"); // ok
 */
export function validateDatasetName(name: string, where = "dataset name"): string {
  if (typeof name !== "string" || !isDatasetName(name)) {
    throw new UsageError(
      "invalid_dataset_name",
      `${JSON.stringify(name)} is not a valid ${where}: use ${DATASET_NAME_RULE}, e.g. chess_data.`,
      { meta: { dataset: String(name), rule: DATASET_NAME_RULE } },
    );
  }
  return name;
}
