import type { DropPlan } from "../../destination/drop-plan.js";
import { tablePrefix } from "../../staging/layout.js";

/** Where the drop happens, for the preview. */
export interface DropTarget {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly stagingDatasetName: string;
  /** `athena (local)` or `athena`, with its location; undefined when the local database does not exist. */
  readonly destination: { readonly name: string; readonly location: string } | undefined;
  /** The dataset folder in the staging store, e.g. `s3://lake/raw/shop_data/`. */
  readonly filesUrl: string;
  /** The staging layout, which decides each table's folder. */
  readonly layout: string;
  /** The working folder, or undefined when there is none. */
  readonly workingFolder: string | undefined;
  readonly pendingPackages: number;
}

/**
 * The text printed before anything is dropped (dlt: "About to drop the following data …").
 *
 * @example
 * formatDropPreview(plan, target); // "About to drop the following data of pipeline shop …"
 */
export function formatDropPreview(plan: DropPlan, target: DropTarget): string {
  const where = target.destination ? `${target.destination.name} (${target.destination.location})` : "the local engine (no local database yet)";
  const list = (names: readonly string[]) => (names.length > 0 ? names.join(", ") : "(none)");
  const lines = [`About to drop the following data of pipeline ${target.pipelineName} in dataset ${target.datasetName} on ${where}:`];
  if (target.destination) {
    lines.push(
      `  tables in ${target.datasetName}: ${list(plan.tables)}`,
      `  staging copies in ${target.stagingDatasetName}: ${list(plan.stagingTables)}`,
      `  files of Hive tables under ${target.filesUrl}: ${list(plan.hiveTables.map((t) => tablePrefix(target.layout, t)))}`,
      ...plan.cleanup.map((c) => `  ${c.what}`),
    );
  }
  if (target.workingFolder) {
    const pending = target.pendingPackages > 0 ? ` (with ${target.pendingPackages} load package(s) not loaded yet)` : "";
    lines.push(`  the local working folder ${target.workingFolder}${pending}`);
  }
  return `${lines.join("\n")}\n`;
}
