/**
 * The merge steps in DuckDB SQL with Athena's semantics (reference §7.6–7.7). The statements keep
 * the Athena shape, helper tables in the staging database included, so both engines do the same
 * work in the same order and a local run is a faithful rehearsal of an Athena one.
 */
import { quoteDuckDBIdentifier as qi } from "../../writers/duckdb-types.js";
import type { LoadStep, MergeTable } from "../plan.js";
import { qualifiedName } from "./hive.js";

type MergeDeleteInsert = Extract<LoadStep, { kind: "mergeDeleteInsert" }>;
type MergeUpsert = Extract<LoadStep, { kind: "mergeUpsert" }>;

const ROW_KEY = qi("_dlt_id");
const ROOT_KEY = qi("_dlt_root_id");

/**
 * dlt's `delete-insert`: target rows whose primary or merge key appears in staging are deleted
 * (children through their root key), then the staging rows are inserted, one per primary key.
 * Without any key it is a staged append.
 *
 * @example
 * mergeDeleteInsertSql(step); // ["CREATE OR REPLACE TABLE … AS SELECT d.\"_dlt_id\" …", "DELETE …", …]
 */
export function mergeDeleteInsertSql(step: MergeDeleteInsert): readonly string[] {
  const root = step.root;
  const target = qualifiedName(root.target);
  const staging = qualifiedName(root.staging);
  const deleteKeys = qualifiedName(step.deleteKeys);
  const insertKeys = qualifiedName(step.insertKeys);
  const statements: string[] = [];

  const keyClauses = [step.primaryKey, step.mergeKey]
    .filter((keys) => keys.length > 0)
    .map((keys) => `(${keys.map((k) => `d.${qi(k)} = s.${qi(k)}`).join(" AND ")})`);
  if (keyClauses.length > 0) {
    // Ids first, into a helper table: the children's delete needs them after the roots are gone.
    statements.push(
      `CREATE OR REPLACE TABLE ${deleteKeys} AS SELECT d.${ROW_KEY} FROM ${target} AS d ` +
        `WHERE EXISTS (SELECT 1 FROM ${staging} AS s WHERE ${keyClauses.join(" OR ")})`,
    );
    for (const child of step.children) {
      statements.push(
        `DELETE FROM ${qualifiedName(child.target)} WHERE ${qi(child.rootKey)} IN (SELECT ${ROW_KEY} FROM ${deleteKeys})`,
      );
    }
    statements.push(`DELETE FROM ${target} WHERE ${ROW_KEY} IN (SELECT ${ROW_KEY} FROM ${deleteKeys})`);
  }

  if (step.primaryKey.length === 0) {
    statements.push(insertSelect(root));
    for (const child of step.children) statements.push(insertSelect(child));
  } else if (step.children.length === 0) {
    statements.push(insertDeduplicated(root, step.primaryKey, "1 = 1"));
  } else {
    // The surviving root ids decide which child rows go in, as in dlt's Athena merge job.
    statements.push(
      `CREATE OR REPLACE TABLE ${insertKeys} AS SELECT ${ROW_KEY} FROM (` +
        `SELECT ROW_NUMBER() OVER (PARTITION BY ${step.primaryKey.map(qi).join(", ")}) AS "_dlt_dedup_rn", ${ROW_KEY} ` +
        `FROM ${staging}) AS "_dlt_dedup_numbered" WHERE "_dlt_dedup_rn" = 1`,
    );
    // Also deduplicated by row key: rows staged twice with the same id must not both go in.
    statements.push(insertDeduplicated(root, ["_dlt_id"], `${ROW_KEY} IN (SELECT ${ROW_KEY} FROM ${insertKeys})`));
    for (const child of step.children) {
      statements.push(
        insertDeduplicated(child, ["_dlt_id"], `${qi(child.rootKey)} IN (SELECT ${ROW_KEY} FROM ${insertKeys})`),
      );
    }
  }
  // Helper tables are dropped after use (Athena keeps them; nothing reads them later).
  statements.push(`DROP TABLE IF EXISTS ${deleteKeys}`, `DROP TABLE IF EXISTS ${insertKeys}`);
  return statements;
}

/**
 * dlt's `upsert`: `MERGE INTO` the root on the primary key and each child on `_dlt_id`, then
 * delete the child rows of merged roots that the new data no longer has.
 *
 * @example
 * mergeUpsertSql(step)[0]; // "MERGE INTO \"awsdatacatalog\".\"shop\".\"orders\" AS d USING … ON d.\"id\" = s.\"id\" …"
 */
export function mergeUpsertSql(step: MergeUpsert): readonly string[] {
  const statements = [mergeInto(step.root, step.primaryKey)];
  const rootStaging = qualifiedName(step.root.staging);
  for (const child of step.children) {
    statements.push(mergeInto(child, ["_dlt_id"]));
    statements.push(
      `DELETE FROM ${qualifiedName(child.target)} WHERE ${ROOT_KEY} IN (SELECT ${ROW_KEY} FROM ${rootStaging}) ` +
        `AND ${ROW_KEY} NOT IN (SELECT ${ROW_KEY} FROM ${qualifiedName(child.staging)})`,
    );
  }
  return statements;
}

function mergeInto(table: MergeTable, keys: readonly string[]): string {
  const on = keys.map((k) => `d.${qi(k)} = s.${qi(k)}`).join(" AND ");
  const set = table.columns.map((c) => `${qi(c)} = s.${qi(c)}`).join(", ");
  const values = table.columns.map((c) => `s.${qi(c)}`).join(", ");
  return (
    `MERGE INTO ${qualifiedName(table.target)} AS d USING ${qualifiedName(table.staging)} AS s ON ${on} ` +
    `WHEN MATCHED THEN UPDATE SET ${set} ` +
    `WHEN NOT MATCHED THEN INSERT (${columnList(table)}) VALUES (${values})`
  );
}

/**
 * `INSERT INTO target(cols) SELECT cols FROM staging`.
 *
 * @example
 * insertSelect({ target, staging, columns: ["id"] }); // "INSERT INTO … (\"id\") SELECT \"id\" FROM …"
 */
export function insertSelect(table: MergeTable): string {
  return `${insertHead(table)} SELECT ${columnList(table)} FROM ${qualifiedName(table.staging)}`;
}

function insertDeduplicated(table: MergeTable, keys: readonly string[], condition: string): string {
  const cols = columnList(table);
  return (
    `${insertHead(table)} SELECT ${cols} FROM (` +
    `SELECT ROW_NUMBER() OVER (PARTITION BY ${keys.map(qi).join(", ")}) AS "_dlt_dedup_rn", ${cols} ` +
    `FROM ${qualifiedName(table.staging)}) AS "_dlt_dedup_numbered" WHERE "_dlt_dedup_rn" = 1 AND (${condition})`
  );
}

function insertHead(table: MergeTable): string {
  return `INSERT INTO ${qualifiedName(table.target)} (${columnList(table)})`;
}

function columnList(table: MergeTable): string {
  return table.columns.map(qi).join(", ");
}
