import type { DeployedState } from "../destination/athena/planner.js";
import type { LoadPlan } from "../destination/plan.js";
import { readJsonIfExists, writeJsonAtomic } from "../packages/atomic-file.js";
import { join } from "node:path";

/**
 * What this pipeline last deployed, as the planner's discovery would see it: kept in the working
 * folder after each successful load so `--dry-run` can plan without touching the destination.
 */
export interface DeployedRecord {
  readonly versionHash: string;
  /** `"<database>.<table>"` → column names. */
  readonly tables: Readonly<Record<string, readonly string[]>>;
}

const FILE = "deployed.json";

/** The record after a plan ran: earlier tables plus what the plan created or altered. */
export function deployedAfter(previous: DeployedRecord | undefined, plan: LoadPlan, versionHash: string): DeployedRecord {
  const tables: Record<string, string[]> = Object.fromEntries(
    Object.entries(previous?.tables ?? {}).map(([key, columns]) => [key, [...columns]]),
  );
  for (const step of plan.waves.flat()) {
    if (step.kind === "createExternalTable" || step.kind === "createIcebergTable" || step.kind === "addColumns") {
      const key = `${step.table.database}.${step.table.table}`;
      const columns = new Set(tables[key] ?? []);
      for (const column of step.columns) columns.add(column.name);
      tables[key] = [...columns];
    }
    if (step.kind === "dropTable") delete tables[`${step.table.database}.${step.table.table}`];
  }
  return { versionHash, tables };
}

/** The planner's view of a record for a schema hash. */
export function toDeployedState(record: DeployedRecord | undefined, versionHash: string): DeployedState {
  return {
    isSchemaCurrent: record?.versionHash === versionHash,
    tables: new Map(Object.entries(record?.tables ?? {}).map(([key, columns]) => [key, { columns }])),
  };
}

export function readDeployed(folder: string): Promise<DeployedRecord | undefined> {
  return readJsonIfExists<DeployedRecord>(join(folder, FILE));
}

export function writeDeployed(folder: string, record: DeployedRecord): Promise<void> {
  return writeJsonAtomic(join(folder, FILE), record);
}
