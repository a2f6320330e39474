import { UsageError } from "../errors.js";
import type { TableHints } from "../schema/schema.js";
import type { Resource } from "../source/resource.js";

/** The table hints a resource's options give its root table. */
export function resourceHints(resource: Resource): TableHints {
  const { writeDisposition, primaryKey, mergeKey, columns, tableFormat, schemaContract, maxTableNesting } = resource.options;
  const disposition = typeof writeDisposition === "object" ? writeDisposition.disposition : writeDisposition;
  const strategy = typeof writeDisposition === "object" ? (writeDisposition.strategy ?? "delete-insert") : disposition === "merge" ? "delete-insert" : undefined;
  return {
    resource: resource.name,
    writeDisposition: disposition ?? "append",
    ...(strategy ? { mergeStrategy: strategy } : {}),
    ...(primaryKey !== undefined ? { primaryKey } : {}),
    ...(mergeKey !== undefined ? { mergeKey } : {}),
    ...(columns ? { columns } : {}),
    ...(tableFormat ? { tableFormat } : {}),
    ...(schemaContract ? { schemaContract } : {}),
    ...(maxTableNesting !== undefined ? { maxTableNesting } : {}),
  };
}

const DISPOSITIONS = ["append", "replace", "merge", "skip"];
const STRATEGIES = ["delete-insert", "upsert"];
const FORMATS = ["hive", "iceberg"];

/**
 * Refuses resource options the loader could not honour, before anything is extracted: an unknown
 * write disposition, merge strategy or table format is a usage error (exit code 2), not a package
 * that fails later.
 *
 * @throws UsageError `invalid_resource_option` naming the resource, the option and the allowed values.
 * @example validateResourceOptions(resource([], { name: "t", writeDisposition: "merge" })); // ok
 */
export function validateResourceOptions(resource: Resource): void {
  const { writeDisposition, tableFormat } = resource.options as { writeDisposition?: unknown; tableFormat?: unknown };
  const isObject = typeof writeDisposition === "object" && writeDisposition !== null;
  const disposition = isObject ? (writeDisposition as { disposition?: unknown }).disposition : writeDisposition;
  if (disposition !== undefined && !DISPOSITIONS.includes(disposition as string)) {
    throw invalidOption(resource, "writeDisposition", disposition, DISPOSITIONS);
  }
  if (isObject) {
    if (disposition !== "merge") throw invalidOption(resource, "writeDisposition.disposition", disposition, ["merge"]);
    const strategy = (writeDisposition as { strategy?: unknown }).strategy;
    if (strategy !== undefined && !STRATEGIES.includes(strategy as string)) {
      throw invalidOption(resource, "writeDisposition.strategy", strategy, STRATEGIES);
    }
  }
  if (tableFormat !== undefined && !FORMATS.includes(tableFormat as string)) {
    throw invalidOption(resource, "tableFormat", tableFormat, FORMATS);
  }
  if (resource.parent) validateResourceOptions(resource.parent);
}

function invalidOption(resource: Resource, option: string, value: unknown, allowed: readonly string[]): UsageError {
  return new UsageError(
    "invalid_resource_option",
    `Resource \`${resource.name}\` has ${option} ${JSON.stringify(value) ?? String(value)}, which is not one of ${allowed.map((a) => `"${a}"`).join(", ")}. ` +
      `Fix the resource's options; nothing was extracted or loaded.`,
    { meta: { resource: resource.name, option, value: String(value), allowed } },
  );
}
