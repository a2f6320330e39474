/**
 * The data half of the planner: file deletes, uploads and the Iceberg DML of each table chain
 * (a root table and its child tables), by write disposition × table format (reference §7).
 */
import { LoadError } from "../../errors.js";
import { C_DLT_ID, C_DLT_PARENT_ID, C_DLT_ROOT_ID } from "../../schema/dlt-tables.js";
import type { MergeTable, PlannedFile, TableRef } from "../plan.js";
import { hashTag, isDeployable, type ResolvedTable } from "./plan-tables.js";
import type { StepGraph } from "./plan-waves.js";
import type { PlanInput } from "./planner.js";

/** What the planner knows about one load, shared by its two halves. */
export interface DataContext {
  readonly input: PlanInput;
  readonly catalog: string;
  readonly dataset: string;
  readonly staging: string;
  readonly tables: ReadonlyMap<string, ResolvedTable>;
  readonly ordered: readonly ResolvedTable[];
  ref(database: string, table: string): TableRef;
  /** `<bucket_url>/<database>/<table prefix>` (ends with `/`). */
  folder(database: string, table: string): string;
  plannedFiles(table: ResolvedTable): PlannedFile[];
}

/** How a chain's data moves in this load. */
type ChainMode = "append" | "replace" | "deleteInsert" | "upsert";

interface Chain {
  readonly root: ResolvedTable;
  /** The deployable tables of the chain in schema order (root first when deployable). */
  readonly tables: readonly ResolvedTable[];
  readonly mode: ChainMode;
}

/**
 * Adds deletes, uploads and Iceberg DML for every chain with files. `ddlOf` maps
 * `"<database>.<table>"` to the index of that table's CREATE/ALTER step, if any.
 *
 * @example
 * planDataSteps(ctx, graph, ddlOf, warnings); // then add recordLoad after graph.all()
 */
export function planDataSteps(ctx: DataContext, graph: StepGraph, ddlOf: ReadonlyMap<string, number>, warnings: string[]): void {
  const chains = chainsWithFiles(ctx, warnings);
  const hiveReplace = chains.filter((c) => c.root.format === "hive" && c.mode === "replace").flatMap((c) => c.tables);
  // Staging folders are emptied so that an insert reads only this load's files: a rerun after a
  // crash then copies the same rows, never the previous load's. Replace and merge read the
  // staging table of every chain table, so all of them are emptied; append reads only its own.
  const stagingEmpty = chains
    .filter((c) => c.root.format === "iceberg")
    .flatMap((c) => (c.mode === "append" ? c.tables.filter((t) => t.hasFiles) : c.tables));
  const hiveDelete = deleteFiles(graph, ctx.dataset, hiveReplace);
  const stagingDelete = deleteFiles(graph, ctx.staging, stagingEmpty);
  for (const chain of chains) {
    if (chain.mode === "deleteInsert" || chain.mode === "upsert") warnChildRowsWithoutRootKey(ctx, chain, warnings);
    const uploads = chain.tables
      .filter((t) => t.hasFiles)
      .map((t) => graph.add({ kind: "uploadFiles", files: ctx.plannedFiles(t) }, [t.format === "iceberg" ? stagingDelete : chain.mode === "replace" ? hiveDelete : undefined]));
    if (chain.root.format !== "iceberg") continue;
    const ddl = chain.tables.flatMap((t) => [ddlOf.get(`${ctx.dataset}.${t.name}`), ddlOf.get(`${ctx.staging}.${t.name}`)]);
    planChainDml(ctx, graph, chain, [stagingDelete, ...uploads, ...ddl]);
  }
}

/**
 * A table switched to merge after child rows were loaded without a root key (append or
 * replace do not add `_dlt_root_id`): the merge cannot find those rows, so they are never
 * replaced nor deleted with their parent. dlt warns the same way.
 */
function warnChildRowsWithoutRootKey(ctx: DataContext, chain: Chain, warnings: string[]): void {
  const { deployed } = ctx.input;
  if (deployed.isSchemaCurrent) return;
  for (const child of chain.tables.slice(1)) {
    const existing = deployed.tables.get(`${ctx.dataset}.${child.name}`);
    if (existing === undefined || existing.columns.includes(C_DLT_ROOT_ID)) continue;
    warnings.push(
      `Table \`${chain.root.name}\` is now merged (write_disposition "merge"), but its child table \`${child.name}\` already holds rows loaded ` +
        `without a root key (\`${C_DLT_ROOT_ID}\`): those rows are not replaced or deleted when their parent rows are merged. ` +
        `Load the resource once with write_disposition="replace" to start over with root keys, or drop the tables and load them again.`,
    );
  }
}

function deleteFiles(graph: StepGraph, dataset: string, tables: readonly ResolvedTable[]): number | undefined {
  if (tables.length === 0) return undefined;
  return graph.add({ kind: "deleteTableFiles", dataset, tables: tables.map((t) => t.name) }, []);
}

function planChainDml(ctx: DataContext, graph: StepGraph, chain: Chain, deps: readonly (number | undefined)[]): void {
  const key = (t: ResolvedTable) => `${ctx.dataset}.${t.name}`;
  const target = (t: ResolvedTable) => ctx.ref(ctx.dataset, t.name);
  const staging = (t: ResolvedTable) => ctx.ref(ctx.staging, t.name);
  const insert = (t: ResolvedTable, after: readonly (number | undefined)[]) =>
    graph.add({ kind: "insertFromStaging", target: target(t), staging: staging(t), columns: t.columns }, after, [key(t)]);
  switch (chain.mode) {
    case "append":
      for (const table of chain.tables.filter((t) => t.hasFiles)) insert(table, deps);
      return;
    case "replace":
      for (const table of chain.tables) {
        const cleared = graph.add({ kind: "deleteAll", table: target(table) }, deps, [key(table)]);
        if (table.hasFiles) insert(table, [cleared]);
      }
      return;
    case "deleteInsert":
      graph.add(deleteInsertStep(ctx, chain), deps, chain.tables.map(key));
      return;
    case "upsert":
      graph.add(
        {
          kind: "mergeUpsert",
          root: mergeTable(ctx, chain.root),
          children: chain.tables.slice(1).map((t) => ({ ...mergeTable(ctx, t), rootKey: rootKeyOf(chain.root, t) })),
          primaryKey: keyColumns(chain.root, "primaryKey"),
        },
        deps,
        chain.tables.map(key),
      );
      return;
    default: {
      const never: never = chain.mode;
      throw new Error(`unhandled chain mode ${String(never)}`);
    }
  }
}

function deleteInsertStep(ctx: DataContext, chain: Chain) {
  const root = chain.root.name;
  // Athena has no temporary tables: helpers are regular tables in the staging database, named
  // deterministically (as dlt does) so a crashed run's leftovers are dropped by the rerun.
  const helper = (op: string) => ctx.ref(ctx.staging, `${root.slice(0, 240)}_${op}_${hashTag([root, op], 6)}`);
  return {
    kind: "mergeDeleteInsert" as const,
    root: mergeTable(ctx, chain.root),
    children: chain.tables.slice(1).map((t) => ({ ...mergeTable(ctx, t), rootKey: rootKeyOf(chain.root, t) })),
    primaryKey: keyColumns(chain.root, "primaryKey"),
    mergeKey: keyColumns(chain.root, "mergeKey"),
    deleteKeys: helper("delete"),
    insertKeys: helper("insert"),
  };
}

function mergeTable(ctx: DataContext, table: ResolvedTable): MergeTable {
  return { target: ctx.ref(ctx.dataset, table.name), staging: ctx.ref(ctx.staging, table.name), columns: table.columns, hasFiles: table.hasFiles };
}

/** Child rows follow their root by `_dlt_root_id`, or by `_dlt_parent_id` one level down. */
function rootKeyOf(root: ResolvedTable, child: ResolvedTable): "_dlt_root_id" | "_dlt_parent_id" {
  if (child.columns.includes(C_DLT_ROOT_ID)) return C_DLT_ROOT_ID;
  if (child.schema.parent?.toLowerCase() === root.name && child.columns.includes(C_DLT_PARENT_ID)) return C_DLT_PARENT_ID;
  throw new LoadError(
    "merge_root_key_missing",
    `Cannot merge table \`${child.name}\` into \`${root.name}\`: it has no \`_dlt_root_id\` column linking it to the root row. Load the resource with write_disposition="merge" from its first run (the normalizer then adds the root key), or use replace.`,
    { meta: { table: child.name, root: root.name } },
  );
}

function keyColumns(table: ResolvedTable, flag: "primaryKey" | "mergeKey"): string[] {
  return Object.values(table.schema.columns)
    .filter((c) => c[flag] === true)
    .map((c) => c.name.toLowerCase());
}

/** Chains with at least one file in this package, in schema order of their roots. */
function chainsWithFiles(ctx: DataContext, warnings: string[]): Chain[] {
  const chains: Chain[] = [];
  for (const root of ctx.ordered) {
    if (root.root !== root.name) continue;
    const members = ctx.ordered.filter((t) => t.root === root.name && isDeployable(t));
    const tables = [...members.filter((t) => t === root), ...members.filter((t) => t !== root)];
    if (!tables.some((t) => t.hasFiles)) continue;
    // A root that never saw data was never created; its children's files can only be appended.
    chains.push({ root, tables, mode: isDeployable(root) ? chainMode(root, warnings) : "append" });
  }
  return chains;
}

function chainMode(root: ResolvedTable, warnings: string[]): ChainMode {
  switch (root.disposition) {
    case "append":
      return "append";
    case "replace":
      return "replace";
    case "skip":
      throw new LoadError("unexpected_files", `The load package has files for \`${root.name}\`, which the loader writes itself (write_disposition "skip").`, {
        meta: { table: root.name },
      });
    case "merge":
      return mergeMode(root, warnings);
    default: {
      const never: never = root.disposition;
      throw new Error(`unhandled write disposition ${String(never)}`);
    }
  }
}

function mergeMode(root: ResolvedTable, warnings: string[]): ChainMode {
  if (root.format === "hive") {
    warnings.push(
      `Table \`${root.name}\` has write_disposition "merge", but Hive tables cannot be merged into: its rows were appended. Set \`tableFormat: "iceberg"\` on the resource (or \`[destination.athena] force_iceberg = true\`) for a real merge.`,
    );
    return "append";
  }
  const primaryKey = keyColumns(root, "primaryKey");
  const strategy = root.schema.mergeStrategy ?? "delete-insert";
  if (strategy === "upsert") {
    if (primaryKey.length === 0) {
      throw new LoadError(
        "merge_key_missing",
        `Table \`${root.name}\` uses the "upsert" merge strategy but has no primary_key; set primary_key on the resource.`,
        { meta: { table: root.name } },
      );
    }
    return "upsert";
  }
  if (primaryKey.length === 0 && keyColumns(root, "mergeKey").length === 0) {
    warnings.push(`Table \`${root.name}\` has write_disposition "merge" but neither primary_key nor merge_key: its rows were appended.`);
    return "append";
  }
  if (!root.columns.includes(C_DLT_ID)) {
    throw new LoadError("merge_root_key_missing", `Cannot merge into \`${root.name}\`: it has no \`_dlt_id\` row key column.`, { meta: { table: root.name } });
  }
  return "deleteInsert";
}
