/**
 * Resource hints for a table and the small merges `Schema.applyHints` needs. Key hints (`primaryKey`,
 * `mergeKey`) are folded into per-column hints so one code path handles all of them.
 */
import type {
  ColumnHint,
  ColumnSchema,
  MergeStrategy,
  SchemaContract,
  TableFormat,
  WriteDisposition,
} from "./types.js";

/** Hints a resource gives for its table (names are raw; they are normalized here). */
export interface TableHints {
  readonly writeDisposition?: WriteDisposition;
  readonly mergeStrategy?: MergeStrategy;
  readonly primaryKey?: string | readonly string[];
  readonly mergeKey?: string | readonly string[];
  readonly columns?: Readonly<Record<string, ColumnHint>>;
  readonly tableFormat?: TableFormat;
  readonly schemaContract?: SchemaContract;
  readonly resource?: string;
  readonly parent?: string;
  readonly maxTableNesting?: number;
  readonly rootKeyPropagation?: boolean;
}

/**
 * Column hints with `primaryKey`/`mergeKey` lists folded in (raw names).
 *
 * @example
 * mergeKeyHints({ primaryKey: "id" }); // { id: { primaryKey: true, nullable: false } }
 */
export function mergeKeyHints(hints: TableHints): Record<string, ColumnHint> {
  const merged: Record<string, ColumnHint> = {};
  for (const [name, hint] of Object.entries(hints.columns ?? {})) {
    merged[name] = { ...hint };
  }
  // Key columns are NOT NULL unless a column hint says otherwise (dlt's `_merge_key`).
  for (const name of asList(hints.primaryKey)) {
    merged[name] = { ...merged[name], primaryKey: true, nullable: merged[name]?.nullable ?? false };
  }
  for (const name of asList(hints.mergeKey)) {
    merged[name] = { ...merged[name], mergeKey: true, nullable: merged[name]?.nullable ?? false };
  }
  return merged;
}

function asList(value: string | readonly string[] | undefined): readonly string[] {
  return value === undefined ? [] : typeof value === "string" ? [value] : value;
}

/**
 * Merges a hint's flags into an existing column; the data type never changes once set.
 *
 * @example
 * mergeColumnFlags({ name: "id", dataType: "bigint", nullable: true }, { primaryKey: true }).nullable; // false
 */
export function mergeColumnFlags(column: ColumnSchema, hint: ColumnHint): ColumnSchema {
  const { dataType: _keepType, ...flags } = hint;
  const nullable = hint.nullable ?? (hint.primaryKey === true || hint.mergeKey === true ? false : column.nullable);
  return dropUndefined({ ...column, ...flags, nullable });
}

/**
 * A copy without `undefined` members, so stored schemas and hashes stay canonical.
 *
 * @example
 * dropUndefined({ a: 1, b: undefined }); // { a: 1 }
 */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
