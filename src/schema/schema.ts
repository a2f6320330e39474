/**
 * The `Schema`: tables and their columns, evolved by data (`coerceRow`) and by resource hints
 * (`applyHints`), versioned by a content hash. It only ever adds tables and columns, never retypes,
 * which is what keeps Athena's Parquet-by-name reads safe.
 */
import { planRowCoercion, columnFromHint, type CoerceRowResult, type DataRow } from "./coerce-row.js";
import { ContractCache, resolveContract, type ResolvedContract } from "./contracts.js";
import { SCHEMA_ENGINE_VERSION, loadsTableSchema, stateTableSchema, versionTableSchema } from "./dlt-tables.js";
import { hashSchemaContent } from "./hash.js";
import { dropUndefined, mergeColumnFlags, mergeKeyHints, type TableHints } from "./hints.js";
import { normalizePath, normalizeTableIdentifier } from "./naming.js";
import { UsageError } from "../errors.js";
import type {
  ColumnHint,
  ColumnSchema,
  MergeStrategy,
  TableFormat,
  SchemaContract,
  StoredSchema,
  TableSchema,
  WriteDisposition,
} from "./types.js";

export type { TableHints } from "./hints.js";

/** How many earlier version hashes a schema remembers. */
export const MAX_PREVIOUS_HASHES = 10;

export interface CoerceRowOptions {
  /** The parent table of a nested table that does not exist yet. */
  readonly parent?: string;
  /** A contract that overrides the table's and the schema's (e.g. given to `run`). */
  readonly contract?: SchemaContract;
}

export interface SchemaSettings {
  readonly schemaContract?: SchemaContract;
}

export class Schema {
  readonly name: string;
  private readonly tableMap = new Map<string, TableSchema>();
  private settingsValue: SchemaSettings;
  private versionValue: number;
  private hashValue: string;
  private previous: string[];
  /** Contracts resolved per row would walk the table chain each time; cleared on every change. */
  private readonly contracts = new ContractCache();

  /**
   * A new schema holding dlt's `_dlt_version` and `_dlt_loads` tables, at version 1.
   *
   * @example
   * new Schema("shop").getTable("_dlt_loads")?.writeDisposition; // "skip"
   */
  constructor(name: string, settings: SchemaSettings = {}) {
    this.name = name;
    this.settingsValue = settings;
    for (const table of [versionTableSchema(), loadsTableSchema()]) {
      this.tableMap.set(table.name, table);
    }
    this.versionValue = 1;
    this.hashValue = this.contentHash();
    this.previous = [];
  }

  /**
   * Restores a stored schema as is (version and hashes included).
   *
   * @example
   * Schema.fromJSON(new Schema("shop").toJSON()).version; // 1
   */
  static fromJSON(stored: StoredSchema): Schema {
    const schema = new Schema(stored.name, stored.settings);
    schema.tableMap.clear();
    for (const [name, table] of Object.entries(stored.tables)) {
      schema.tableMap.set(name, table);
    }
    schema.changed();
    schema.versionValue = stored.version;
    schema.hashValue = stored.versionHash;
    schema.previous = [...stored.previousHashes];
    return schema;
  }

  /**
   * The stored form, as the schema is now: reading it changes nothing (`JSON.stringify(schema)`
   * calls it). Call {@link Schema.bumpVersion} first to store a changed schema under a new version.
   *
   * @example
   * schema.bumpVersion(); JSON.stringify(schema.toJSON()); // written to the load package and `_dlt_version`
   */
  toJSON(): StoredSchema {
    return {
      name: this.name,
      version: this.versionValue,
      versionHash: this.hashValue,
      previousHashes: [...this.previous],
      engineVersion: SCHEMA_ENGINE_VERSION,
      tables: this.tables,
      settings: this.settingsValue,
    };
  }

  get version(): number {
    return this.versionValue;
  }

  /** The hash of the content at the last bump (see {@link Schema.bumpVersion}). */
  get versionHash(): string {
    return this.hashValue;
  }

  /** Earlier version hashes, newest first, at most {@link MAX_PREVIOUS_HASHES}. */
  get previousHashes(): readonly string[] {
    return this.previous;
  }

  get settings(): SchemaSettings {
    return this.settingsValue;
  }

  /** All tables in creation order. */
  get tables(): Readonly<Record<string, TableSchema>> {
    return Object.fromEntries(this.tableMap);
  }

  /**
   * A table by its normalized name.
   *
   * @example
   * schema.getTable("orders__items")?.parent; // "orders"
   */
  getTable(name: string): TableSchema | undefined {
    return this.tableMap.get(name);
  }

  /**
   * Sets the schema-wide contract (the least specific layer).
   *
   * @example
   * schema.setSchemaContract("freeze");
   */
  setSchemaContract(contract: SchemaContract | undefined): void {
    this.settingsValue = { ...this.settingsValue, schemaContract: contract };
    this.changed();
  }

  /**
   * The hash of the current content; compare with `versionHash` to see unsaved changes.
   *
   * @example
   * schema.contentHash() === schema.versionHash; // true right after a bump
   */
  contentHash(): string {
    return hashSchemaContent({ tables: this.tables, settings: this.settingsValue });
  }

  /**
   * Increments the version by one if the content changed since the last bump, remembering the old
   * hash. Returns whether it bumped.
   *
   * @example
   * schema.coerceRow("t", { a: 1 }); schema.bumpVersion(); // true
   */
  bumpVersion(): boolean {
    const hash = this.contentHash();
    if (hash === this.hashValue) {
      return false;
    }
    this.previous = [this.hashValue, ...this.previous].slice(0, MAX_PREVIOUS_HASHES);
    this.hashValue = hash;
    this.versionValue += 1;
    return true;
  }

  /**
   * Adds `_dlt_pipeline_state` if missing (done when a state row is extracted).
   *
   * @example
   * schema.addStateTable();
   */
  addStateTable(): void {
    const state = stateTableSchema();
    if (!this.tableMap.has(state.name)) {
      this.tableMap.set(state.name, state);
      this.changed();
    }
  }

  /**
   * Applies a resource's hints to its table (created if missing). Hinted columns with a data type
   * exist at once; hints without a type wait in `columnHints` for the first value. Existing columns
   * keep their type: only flags are merged.
   *
   * @example
   * schema.applyHints("Orders", { writeDisposition: "merge", primaryKey: "id" });
   * schema.getTable("orders")?.columnHints?.id; // { primaryKey: true }
   */
  applyHints(tableName: string, hints: TableHints): TableSchema {
    const name = normalizeTableIdentifier(tableName);
    const current = this.tableMap.get(name) ?? { name, columns: {} };
    const columnHints = mergeKeyHints(hints);
    const columns: Record<string, ColumnSchema> = { ...current.columns };
    const pending: Record<string, ColumnHint> = { ...current.columnHints };
    for (const [rawName, hint] of Object.entries(columnHints)) {
      const columnName = normalizePath(rawName);
      const existing = columns[columnName];
      if (existing !== undefined) {
        if (current.seenData === true) assertTypeUnchanged(name, existing, hint, this.rootTableOf(name)?.tableFormat ?? current.tableFormat);
        columns[columnName] = mergeColumnFlags(existing, hint);
      } else if (hint.dataType !== undefined) {
        columns[columnName] = columnFromHint(columnName, hint.dataType, { ...pending[columnName], ...hint });
        delete pending[columnName];
      } else {
        pending[columnName] = { ...pending[columnName], ...hint };
      }
    }
    const table: TableSchema = dropUndefined({
      ...current,
      columns,
      columnHints: Object.keys(pending).length > 0 ? pending : undefined,
      parent: hints.parent === undefined ? current.parent : normalizeTableIdentifier(hints.parent),
      writeDisposition: hints.writeDisposition ?? current.writeDisposition,
      mergeStrategy: hints.mergeStrategy ?? current.mergeStrategy,
      tableFormat: hints.tableFormat ?? current.tableFormat,
      schemaContract: hints.schemaContract ?? current.schemaContract,
      resource: hints.resource ?? current.resource,
      maxTableNesting: hints.maxTableNesting ?? current.maxTableNesting,
      rootKeyPropagation: hints.rootKeyPropagation ?? current.rootKeyPropagation,
    });
    this.tableMap.set(name, table);
    this.changed();
    return table;
  }

  /**
   * Fits a normalized row into `tableName`, evolving the schema when the contract allows: new
   * tables and columns are added at once (so the next row sees them) and reported in `newColumns`.
   * A discarded row changes nothing. A frozen contract throws `schema_contract_violation`.
   *
   * @example
   * const result = schema.coerceRow("orders", { id: "7", _dlt_id: "x" });
   * if (result.kind === "ok") writer.write("orders", result.row);
   */
  coerceRow(tableName: string, row: DataRow, options: CoerceRowOptions = {}): CoerceRowResult {
    const table = this.tableMap.get(tableName);
    const parent = table?.parent ?? options.parent;
    const contract =
      this.contracts.get(tableName, parent, options.contract) ??
      this.contracts.set(tableName, parent, this.contractOf(tableName, options.contract, parent));
    const result = planRowCoercion(tableName, table, row, contract);
    if (result.kind === "ok" && (result.isNewTable || result.newColumns.length > 0)) {
      this.commitColumns(tableName, table, parent, result.newColumns);
    }
    return result;
  }

  private commitColumns(
    tableName: string,
    table: TableSchema | undefined,
    parent: string | undefined,
    newColumns: readonly ColumnSchema[],
  ): void {
    const base: TableSchema = table ?? (parent === undefined ? { name: tableName, columns: {} } : { name: tableName, parent, columns: {} });
    const columns: Record<string, ColumnSchema> = { ...base.columns };
    let pending: Record<string, ColumnHint> | undefined = base.columnHints;
    for (const column of newColumns) {
      columns[column.name] = column;
      if (pending?.[column.name] !== undefined) {
        const { [column.name]: _used, ...rest } = pending;
        pending = Object.keys(rest).length > 0 ? rest : undefined;
      }
    }
    this.tableMap.set(tableName, dropUndefined({ ...base, columns, columnHints: pending, seenData: true }));
    this.changed();
  }

  /** Forgets what was derived from tables or settings; called after every change to them. */
  private changed(): void {
    this.contracts.clear();
  }

  /**
   * The contract that applies to a table: `override`, then the root table's, then the schema's.
   *
   * @example
   * schema.contractOf("orders__items").columns; // "evolve" unless set
   */
  contractOf(tableName: string, override?: SchemaContract, parent?: string): ResolvedContract {
    const root = parent === undefined ? this.rootTableOf(tableName) : this.rootTableOf(parent);
    return resolveContract(override, root?.schemaContract, this.settingsValue.schemaContract);
  }

  /**
   * The root of a table's chain (the table itself for root tables).
   *
   * @example
   * schema.rootTableOf("orders__items__options")?.name; // "orders"
   */
  rootTableOf(name: string): TableSchema | undefined {
    let table = this.tableMap.get(name);
    const seen = new Set<string>();
    while (table?.parent !== undefined && !seen.has(table.name)) {
      seen.add(table.name);
      table = this.tableMap.get(table.parent) ?? table;
    }
    return table;
  }

  /**
   * A root table followed by all its nested tables, parents before children (dlt's table chain).
   *
   * @example
   * schema.tablesChain("orders").map((t) => t.name); // ["orders", "orders__items", ...]
   */
  tablesChain(rootName: string): TableSchema[] {
    const root = this.tableMap.get(rootName);
    if (root === undefined) {
      return [];
    }
    const chain: TableSchema[] = [root];
    for (let i = 0; i < chain.length; i++) {
      const parentName = chain[i]?.name;
      for (const table of this.tableMap.values()) {
        if (table.parent === parentName) {
          chain.push(table);
        }
      }
    }
    return chain;
  }

  /**
   * The write disposition of a table: nested tables follow their root; default `append`.
   *
   * @example
   * schema.writeDispositionOf("orders__items"); // "merge" when `orders` is merged
   */
  writeDispositionOf(name: string): WriteDisposition {
    return this.rootTableOf(name)?.writeDisposition ?? "append";
  }

  /**
   * The merge strategy of a merged table's chain (`delete-insert` by default), else `undefined`.
   *
   * @example
   * schema.mergeStrategyOf("orders"); // "upsert"
   */
  mergeStrategyOf(name: string): MergeStrategy | undefined {
    const root = this.rootTableOf(name);
    return root?.writeDisposition === "merge" ? (root.mergeStrategy ?? "delete-insert") : undefined;
  }

  /**
   * Primary key column names of a table, hinted columns without data included, in table order.
   *
   * @example
   * schema.primaryKeyOf("orders"); // ["id"]
   */
  primaryKeyOf(name: string): string[] {
    const table = this.tableMap.get(name);
    if (table === undefined) {
      return [];
    }
    const typed = Object.values(table.columns).filter((c) => c.primaryKey === true).map((c) => c.name);
    const hinted = Object.entries(table.columnHints ?? {}).filter(([, h]) => h.primaryKey === true).map(([n]) => n);
    return [...typed, ...hinted];
  }

  /**
   * Whether a column is typed (or hinted) `json`, so the normalizer keeps its value whole.
   *
   * @example
   * schema.isJsonColumn("events", "payload"); // true after a `{ payload: { dataType: "json" } }` hint
   */
  isJsonColumn(tableName: string, columnName: string): boolean {
    const table = this.tableMap.get(tableName);
    const dataType = table?.columns[columnName]?.dataType ?? table?.columnHints?.[columnName]?.dataType;
    return dataType === "json";
  }

  /**
   * Deep copy (tables are immutable values, so copying the maps is enough).
   *
   * @example
   * const before = schema.clone();
   */
  clone(): Schema {
    return Schema.fromJSON({
      name: this.name,
      version: this.versionValue,
      versionHash: this.hashValue,
      previousHashes: this.previous,
      engineVersion: SCHEMA_ENGINE_VERSION,
      tables: this.tables,
      settings: this.settingsValue,
    });
  }
}

/** A column type as a person reads it: `decimal(12,2)`, `bigint`, `timestamp (no time zone)`. */
function typeText(column: Pick<ColumnSchema, "dataType" | "precision" | "scale" | "timezone">): string {
  const args = column.dataType === "decimal" || column.precision !== undefined ? [column.precision, column.scale].filter((v) => v !== undefined) : [];
  return `${column.dataType}${args.length > 0 ? `(${args.join(",")})` : ""}${column.timezone === false ? " without time zone" : ""}`;
}

/**
 * Refuses a hint that would change the type of a column that already holds data: the table's
 * files keep the old type, so the new one would make the table unreadable ("value is out of
 * range"). Thrown when the hints are applied, before anything is extracted.
 *
 * @throws UsageError `unsupported_hint_change` naming the table, the column, both types and the fix.
 */
function assertTypeUnchanged(table: string, column: ColumnSchema, hint: ColumnHint, format: TableFormat | undefined): void {
  const next = {
    dataType: hint.dataType ?? column.dataType,
    precision: hint.precision ?? column.precision,
    scale: hint.scale ?? column.scale,
    timezone: hint.timezone ?? column.timezone,
  };
  const changed =
    next.dataType !== column.dataType ||
    next.precision !== column.precision ||
    next.scale !== column.scale ||
    (next.timezone ?? true) !== (column.timezone ?? true);
  if (!changed) return;
  const from = typeText(column);
  const to = typeText(next);
  throw new UsageError(
    "unsupported_hint_change",
    `Table \`${table}\` column \`${column.name}\` already holds data as ${from}; the hint changes it to ${to}, ` +
      `which the deployed ${format ?? "hive"} table cannot take (its files keep ${from}, so the table would become unreadable). ` +
      `Keep the column's hint at ${from}, put the new values in a new column, or drop the pipeline's data first ` +
      `(dlt-athena pipeline <name> drop) to recreate the table with ${to}.`,
    { meta: { table, column: column.name, from, to } },
  );
}
