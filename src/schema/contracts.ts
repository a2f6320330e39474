/**
 * Schema contracts (dlt's `apply_schema_contract`): what happens when data would add a table, a
 * column or a variant column. Resolution and the freeze error live here; `Schema.coerceRow` applies them.
 */
import { LoadError } from "../errors.js";
import type { ContractMode, SchemaContract } from "./types.js";

/** The contract with one mode per entity. */
export interface ResolvedContract {
  readonly tables: ContractMode;
  readonly columns: ContractMode;
  readonly dataType: ContractMode;
}

export type ContractEntity = keyof ResolvedContract;

export const EVOLVE_CONTRACT: ResolvedContract = { tables: "evolve", columns: "evolve", dataType: "evolve" };

/**
 * Resolves contracts given from the most to the least specific (e.g. run argument, table, schema):
 * for each entity the first layer that sets it wins; unset entities evolve.
 *
 * @example
 * resolveContract("freeze", undefined); // { tables: "freeze", columns: "freeze", dataType: "freeze" }
 * resolveContract({ columns: "discard_row" }, "freeze").tables; // "freeze"
 */
export function resolveContract(...layers: readonly (SchemaContract | undefined)[]): ResolvedContract {
  const pick = (entity: ContractEntity): ContractMode => {
    for (const layer of layers) {
      const mode = typeof layer === "string" ? layer : layer?.[entity];
      if (mode !== undefined) {
        return mode;
      }
    }
    return "evolve";
  };
  return { tables: pick("tables"), columns: pick("columns"), dataType: pick("dataType") };
}

/**
 * Resolved contracts per table and parent table, for one override at a time. `Schema.coerceRow`
 * needs the contract for every row, and resolving it walks the table chain and builds an object;
 * the schema clears this cache whenever its tables or settings change.
 */
export class ContractCache {
  private readonly byTable = new Map<string, Map<string | undefined, ResolvedContract>>();
  private override: SchemaContract | undefined;

  /** The contract remembered for a table and parent under `override` (a new override clears all). */
  get(table: string, parent: string | undefined, override: SchemaContract | undefined): ResolvedContract | undefined {
    if (override !== this.override) {
      this.byTable.clear();
      this.override = override;
    }
    return this.byTable.get(table)?.get(parent);
  }

  /** Remembers a contract resolved after a `get` miss; returns it. */
  set(table: string, parent: string | undefined, contract: ResolvedContract): ResolvedContract {
    let byParent = this.byTable.get(table);
    if (byParent === undefined) {
      byParent = new Map();
      this.byTable.set(table, byParent);
    }
    byParent.set(parent, contract);
    return contract;
  }

  clear(): void {
    this.byTable.clear();
  }
}

/** dlt's own tables and columns (`_dlt` prefix) are never subject to contracts. */
export function isDltName(name: string): boolean {
  return name.startsWith("_dlt");
}

/** What a frozen contract refused. */
export interface ContractViolation {
  readonly entity: ContractEntity;
  readonly table: string;
  readonly column?: string;
  readonly dataType?: string;
}

/**
 * The error thrown when a `freeze` contract refuses a change (dlt's `DataValidationError`).
 *
 * @example
 * contractViolationError({ entity: "columns", table: "t", column: "x" }).message;
 * // "Can't add table column `x` to table `t` because `columns` are frozen."
 */
export function contractViolationError(violation: ContractViolation): LoadError {
  const { entity, table, column, dataType } = violation;
  const message =
    entity === "tables"
      ? `Can't add table \`${table}\` because \`tables\` are frozen.`
      : entity === "columns"
        ? `Can't add table column \`${column ?? ""}\` to table \`${table}\` because \`columns\` are frozen.`
        : `Can't add variant column \`${column ?? ""}\` (data type \`${dataType ?? ""}\`) to table \`${table}\` because \`data_type\` is frozen.`;
  return new LoadError("schema_contract_violation", message, {
    meta: { entity, mode: "freeze", table, ...(column === undefined ? {} : { column }), ...(dataType === undefined ? {} : { dataType }) },
  });
}
