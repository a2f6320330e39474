/**
 * Schema diff: which tables and columns a new schema adds over the one the destination has. The
 * Athena planner turns this into `CREATE TABLE` / `ALTER TABLE ... ADD COLUMNS`.
 */
import { isDltName } from "./contracts.js";
import type { ColumnSchema, StoredSchema, TableSchema } from "./types.js";

/** What one table gains. */
export interface TableUpdate {
  readonly name: string;
  /** The table is not in the previous schema (it needs CREATE, not ALTER). */
  readonly isNew: boolean;
  /** The table as it is in the new schema. */
  readonly table: TableSchema;
  /** Columns missing from the previous table, in table order (all columns for a new table). */
  readonly newColumns: readonly ColumnSchema[];
}

/** Tables with changes, in the new schema's table order (parents before their nested tables). */
export interface SchemaUpdate {
  readonly tables: readonly TableUpdate[];
}

export interface DiffOptions {
  /** Include tables that never saw data (dlt creates them only once data arrives). Default false. */
  readonly includeUnseen?: boolean;
}

/**
 * Tables and columns in `next` that `previous` lacks. dlt's own `_dlt_*` tables count as seen.
 *
 * @example
 * diffSchemas(undefined, schema.toJSON()).tables.map((t) => t.name); // ["_dlt_version", "_dlt_loads", "orders"]
 */
export function diffSchemas(
  previous: Pick<StoredSchema, "tables"> | undefined,
  next: Pick<StoredSchema, "tables">,
  options: DiffOptions = {},
): SchemaUpdate {
  const updates: TableUpdate[] = [];
  for (const table of Object.values(next.tables)) {
    if (!options.includeUnseen && table.seenData !== true && !isDltName(table.name)) {
      continue;
    }
    const before = previous?.tables[table.name];
    // A table the previous schema only knew from hints was never created at the destination.
    const wasCreated = before !== undefined && (before.seenData === true || isDltName(before.name));
    const columns = Object.values(table.columns);
    const newColumns = wasCreated ? columns.filter((c) => before.columns[c.name] === undefined) : columns;
    if (newColumns.length > 0) {
      updates.push({ name: table.name, isNew: !wasCreated, table, newColumns });
    }
  }
  return { tables: updates };
}

/**
 * Whether a diff has anything to apply.
 *
 * @example
 * isEmptyUpdate(diffSchemas(stored, stored)); // true
 */
export function isEmptyUpdate(update: SchemaUpdate): boolean {
  return update.tables.length === 0;
}
