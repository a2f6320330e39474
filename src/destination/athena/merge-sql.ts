/**
 * Iceberg merge SQL for Athena (reference §7.6–§7.7): dlt's `delete-insert` (with helper tables
 * in the staging database where a correlated condition is needed: Athena has neither temporary
 * tables nor correlated DELETE),
 * and `upsert` with `MERGE INTO`. Statements are single lines, in execution order.
 */
import { LoadError } from "../../errors.js";
import type { LoadStep, MergeTable } from "../plan.js";
import { qualifyDdl, qualifyDml, quoteDmlIdentifier as q } from "./quote.js";

type DeleteInsertStep = Extract<LoadStep, { kind: "mergeDeleteInsert" }>;
type UpsertStep = Extract<LoadStep, { kind: "mergeUpsert" }>;

const list = (names: readonly string[], prefix = "") => names.map((n) => prefix + q(n)).join(", ");

/**
 * Staging rows, one per key (`partition BY` the key columns). MERGE fails when a target row
 * matches two source rows, and a delete-insert must not insert a key twice.
 */
function dedupedSelect(table: MergeTable, keys: readonly string[]): string {
  const cols = list(table.columns);
  return (
    `SELECT ${cols} FROM ( SELECT ROW_NUMBER() OVER (partition BY ${list(keys)} ORDER BY (SELECT NULL)) AS _dlt_dedup_rn, ${cols} ` +
    `FROM ${qualifyDml(table.staging)} ) AS _dlt_dedup_numbered WHERE _dlt_dedup_rn = 1`
  );
}

const insertInto = (table: MergeTable, select: string) => `INSERT INTO ${qualifyDml(table.target)}(${list(table.columns)}) ${select}`;
const isStaged = (table: MergeTable) => table.hasFiles !== false;

/**
 * The statements of a `mergeDeleteInsert` step. Idempotent as a whole: a rerun deletes the rows
 * an interrupted run inserted (their keys are in staging) and inserts them again.
 *
 * @example
 * compileDeleteInsert(step)[0];
 * // 'DELETE FROM "awsdatacatalog"."shop"."orders" WHERE "id" IN (SELECT "id" FROM "awsdatacatalog"."shop_staging"."orders")'
 
 */
export function compileDeleteInsert(step: DeleteInsertStep): string[] {
  const { root, children, primaryKey, insertKeys } = step;
  const statements = compileMergeDeletes(step);
  const stagedChildren = children.filter(isStaged);
  // Children of deduplicated-away root rows must go too: they follow the root ids kept.
  const needsInsertKeys = primaryKey.length > 0 && stagedChildren.length > 0;
  if (needsInsertKeys) {
    statements.push(
      `DROP TABLE IF EXISTS ${qualifyDdl(insertKeys)}`,
      `CREATE TABLE ${qualifyDml(insertKeys)} AS SELECT ${q("_dlt_id")} FROM ( SELECT ROW_NUMBER() OVER (partition BY ${list(primaryKey)} ORDER BY (SELECT NULL)) AS _dlt_dedup_rn, ${q("_dlt_id")} FROM ${qualifyDml(root.staging)} ) AS _dlt_dedup_numbered WHERE _dlt_dedup_rn = 1`,
    );
  }
  if (isStaged(root)) {
    // With children, root and children must keep the same row of a duplicated key, so both read
    // the ids the helper table fixed (ROW_NUMBER without an order may pick differently each time).
    const plain = `SELECT ${list(root.columns)} FROM ${qualifyDml(root.staging)}`;
    const select = needsInsertKeys
      ? `${plain} WHERE ${q("_dlt_id")} IN (SELECT * FROM ${qualifyDml(insertKeys)})`
      : primaryKey.length > 0
        ? dedupedSelect(root, primaryKey)
        : plain;
    statements.push(insertInto(root, select));
  }
  for (const child of stagedChildren) {
    const filter = needsInsertKeys ? ` WHERE ${q(child.rootKey)} IN (SELECT * FROM ${qualifyDml(insertKeys)})` : "";
    statements.push(insertInto(child, `SELECT ${list(child.columns)} FROM ${qualifyDml(child.staging)}${filter}`));
  }
  if (!hasSingleColumnKeys(step)) statements.push(`DROP TABLE IF EXISTS ${qualifyDdl(step.deleteKeys)}`);
  if (needsInsertKeys) statements.push(`DROP TABLE IF EXISTS ${qualifyDdl(insertKeys)}`);
  return statements;
}

const hasSingleColumnKeys = (step: DeleteInsertStep) => step.primaryKey.length <= 1 && step.mergeKey.length <= 1;

/**
 * Deletes the target rows whose keys are in staging, children first (they find their roots in
 * the root table). With single-column keys a non-correlated `IN` subquery does it (2 queries
 * fewer per chain); compound keys need a correlated `EXISTS`, which Athena's DELETE rejects, so
 * the matching root ids go through a helper table first, as dlt does.
 */
function compileMergeDeletes(step: DeleteInsertStep): string[] {
  const { root, children, primaryKey, mergeKey, deleteKeys } = step;
  const keys = [primaryKey, mergeKey].filter((k) => k.length > 0);
  if (keys.length === 0) {
    throw new LoadError("merge_key_missing", `A delete-insert merge into \`${root.target.table}\` needs a primary_key or merge_key.`, {
      meta: { table: root.target.table },
    });
  }
  if (hasSingleColumnKeys(step)) {
    const matches = keys.map(([k = ""]) => `${q(k)} IN (SELECT ${q(k)} FROM ${qualifyDml(root.staging)})`).join(" OR ");
    return [
      ...children.map((c) => `DELETE FROM ${qualifyDml(c.target)} WHERE ${q(c.rootKey)} IN (SELECT ${q("_dlt_id")} FROM ${qualifyDml(root.target)} WHERE ${matches})`),
      `DELETE FROM ${qualifyDml(root.target)} WHERE ${matches}`,
    ];
  }
  const keyClauses = keys.map((group) => `(${group.map((k) => `d.${q(k)} = s.${q(k)}`).join(" AND ")})`);
  const deleted = `SELECT * FROM ${qualifyDml(deleteKeys)}`;
  return [
    `DROP TABLE IF EXISTS ${qualifyDdl(deleteKeys)}`,
    `CREATE TABLE ${qualifyDml(deleteKeys)} AS SELECT d.${q("_dlt_id")} FROM ${qualifyDml(root.target)} AS d WHERE EXISTS (SELECT 1 FROM ${qualifyDml(root.staging)} AS s WHERE ${keyClauses.join(" OR ")})`,
    ...children.map((c) => `DELETE FROM ${qualifyDml(c.target)} WHERE ${q(c.rootKey)} IN (${deleted})`),
    `DELETE FROM ${qualifyDml(root.target)} WHERE ${q("_dlt_id")} IN (${deleted})`,
  ];
}

/**
 * The statements of a `mergeUpsert` step: `MERGE INTO` the root on the primary key and each
 * child on `_dlt_id` (both deterministic for upsert), then delete child rows of merged roots
 * that the new data no longer has.
 *
 * @example
 * compileUpsert(step)[0]; // 'MERGE INTO "awsdatacatalog"."shop"."orders" AS d USING ( … ) AS s ON d."id" = s."id" WHEN MATCHED …'
 */
export function compileUpsert(step: UpsertStep): string[] {
  const { root, children, primaryKey } = step;
  if (!isStaged(root) && children.every((c) => !isStaged(c))) return [];
  const statements: string[] = [];
  if (isStaged(root)) statements.push(mergeInto(root, primaryKey));
  for (const child of children.filter(isStaged)) statements.push(mergeInto(child, ["_dlt_id"]));
  if (isStaged(root)) {
    for (const child of children) {
      const rootKey = child.rootKey ?? "_dlt_root_id";
      const merged = `${q(rootKey)} IN (SELECT ${q("_dlt_id")} FROM ${qualifyDml(root.staging)})`;
      // An unstaged child has an emptied staging folder: every child of a merged root is orphaned.
      const kept = isStaged(child) ? ` AND ${q("_dlt_id")} NOT IN (SELECT ${q("_dlt_id")} FROM ${qualifyDml(child.staging)})` : "";
      statements.push(`DELETE FROM ${qualifyDml(child.target)} WHERE ${merged}${kept}`);
    }
  }
  return statements;
}

function mergeInto(table: MergeTable, keys: readonly string[]): string {
  const on = keys.map((k) => `d.${q(k)} = s.${q(k)}`).join(" AND ");
  const set = table.columns.map((c) => `${q(c)} = s.${q(c)}`).join(", ");
  return (
    `MERGE INTO ${qualifyDml(table.target)} AS d USING ( ${dedupedSelect(table, keys)} ) AS s ON ${on} ` +
    `WHEN MATCHED THEN UPDATE SET ${set} WHEN NOT MATCHED THEN INSERT (${list(table.columns)}) VALUES (${list(table.columns, "s.")})`
  );
}
