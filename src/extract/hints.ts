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
