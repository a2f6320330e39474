/**
 * The Athena dialect: each plan step compiled to Athena SQL text (reference §6–§8). DDL is Hive
 * (backticks), DML is Trino (double quotes); all escaping is in `quote.ts`. Pure: the same step
 * always gives the same text, byte for byte, which the golden tests pin.
 */
import { compressText } from "../../util/compressed-json.js";

import { LoadError } from "../../errors.js";
import type { TableFormat } from "../../schema/types.js";
import type { CompiledStep, Dialect } from "../dialect.js";
import { tablesWrittenBy } from "../plan.js";
import type { LoadStep, LoadStepKind, PlannedColumn } from "../plan.js";
import { compileDeleteInsert, compileUpsert } from "./merge-sql.js";
import { qualifyDdl, qualifyDml, quoteDdlIdentifier, quoteDdlLiteral, quoteDmlIdentifier as q, quoteLiteral, timestampLiteral } from "./quote.js";
import { athenaType } from "./type-mapper.js";

/** Athena's query string limit in bytes (UTF-8); not adjustable. */
export const MAX_STATEMENT_BYTES = 262_144;

type StepOf<K extends LoadStepKind> = Extract<LoadStep, { kind: K }>;
type Compilers = { readonly [K in LoadStepKind]: (step: StepOf<K>) => CompiledStep };

const sql = (...statements: string[]): CompiledStep => ({ kind: "sql", statements });
/** `= 'a'` for one literal, `IN ('a', 'b')` for more. */
const inList = (literals: readonly string[]): string => (literals.length === 1 ? `= ${literals[0]}` : `IN (${literals.join(", ")})`);

const columnDdl = (columns: readonly PlannedColumn[], format: TableFormat, table: string) =>
  columns.map((c) => `${quoteDdlIdentifier(c.name)} ${athenaType(c, format, table)}`).join(", ");

// A mapped type over every step kind: a new kind in plan.ts fails to compile until handled here.
const compilers: Compilers = {
  createDatabase: (s) => sql(`CREATE DATABASE IF NOT EXISTS ${quoteDdlIdentifier(s.catalog)}.${quoteDdlIdentifier(s.database)}`),
  createExternalTable: (s) =>
    sql(
      `CREATE EXTERNAL TABLE ${s.ifNotExists ? "IF NOT EXISTS " : ""}${qualifyDdl(s.table)} (${columnDdl(s.columns, "hive", s.table.table)}) ` +
        `STORED AS PARQUET LOCATION ${quoteDdlLiteral(s.location)}`,
    ),
  createIcebergTable: (s) =>
    sql(
      `CREATE TABLE ${s.ifNotExists ? "IF NOT EXISTS " : ""}${qualifyDdl(s.table)} (${columnDdl(s.columns, "iceberg", s.table.table)}) ` +
        (s.partitions.length > 0 ? `PARTITIONED BY (${s.partitions.join(", ")}) ` : "") +
        `LOCATION ${quoteDdlLiteral(s.location)} TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet')`,
    ),
  addColumns: (s) => sql(`ALTER TABLE ${qualifyDdl(s.table)} ADD COLUMNS (${columnDdl(s.columns, s.format, s.table.table)})`),
  dropTable: (s) => sql(`DROP TABLE IF EXISTS ${qualifyDdl(s.table)}`),
  deleteTableFiles: (s) => ({ kind: "files", step: s }),
  uploadFiles: (s) => ({ kind: "files", step: s }),
  insertFromStaging: (s) => {
    const cols = s.columns.map(q).join(", ");
    return sql(`INSERT INTO ${qualifyDml(s.target)}(${cols}) SELECT ${cols} FROM ${qualifyDml(s.staging)}`);
  },
  deleteAll: (s) => sql(`DELETE FROM ${qualifyDml(s.table)} WHERE 1=1`),
  deleteRows: (s) =>
    s.values.length === 0 ? sql() : sql(`DELETE FROM ${qualifyDml(s.table)} WHERE ${q(s.column)} ${inList(s.values.map(quoteLiteral))}`),
  mergeDeleteInsert: (s) => sql(...compileDeleteInsert(s)),
  mergeUpsert: (s) => sql(...compileUpsert(s)),
  recordSchema: (s) => sql(compileRecordSchema(s)),
  recordLoad: (s) =>
    sql(
      `INSERT INTO ${qualifyDml(s.table)}(${["load_id", "schema_name", "status", "inserted_at", "schema_version_hash"].map(q).join(", ")}) ` +
        `VALUES (${quoteLiteral(s.row.loadId)}, ${quoteLiteral(s.row.schemaName)}, ${integer(s.row.status)}, ${timestampLiteral(s.row.insertedAt)}, ${quoteLiteral(s.row.schemaVersionHash)})`,
    ),
};

/**
 * Compiles one step. No statement is ever longer than {@link MAX_STATEMENT_BYTES}.
 *
 * @throws LoadError `statement_too_long` naming the table; quoting errors from `quote.ts`.
 * @example
 * compileStep({ kind: "deleteAll", table: { catalog: "awsdatacatalog", database: "shop", table: "orders" } });
 * // { kind: "sql", statements: ['DELETE FROM "awsdatacatalog"."shop"."orders" WHERE 1=1'] }
 */
export function compileStep(step: LoadStep): CompiledStep {
  const compile = compilers[step.kind] as (s: LoadStep) => CompiledStep;
  const compiled = compile(step);
  if (compiled.kind === "sql") {
    for (const statement of compiled.statements) assertStatementSize(statement, tableOf(step));
  }
  return compiled;
}

/** The Athena dialect for the executor and `--dry-run`. */
export const athenaDialect: Dialect = { name: "athena", compileStep };

/**
 * The statement that undoes an `insertFromStaging` that may have committed without being
 * journaled (a crash between Athena's commit and the journal write): it deletes the rows whose
 * `_dlt_id` is in this load's staging table. The executor runs it before re-running the insert.
 *
 * @throws LoadError `undo_unavailable` when the table has no `_dlt_id` column.
 * @example
 * compileUndo(insertStep); // { kind: "sql", statements: ['DELETE FROM "…"."shop"."orders" WHERE "_dlt_id" IN (SELECT "_dlt_id" FROM "…"."shop_staging"."orders")'] }
 */
export function compileUndo(step: StepOf<"insertFromStaging">): CompiledStep {
  if (!step.columns.includes("_dlt_id")) {
    throw new LoadError("undo_unavailable", `Cannot undo an interrupted insert into \`${step.target.table}\`: it has no \`_dlt_id\` column.`, {
      meta: { table: step.target.table },
    });
  }
  const statement = `DELETE FROM ${qualifyDml(step.target)} WHERE ${q("_dlt_id")} IN (SELECT ${q("_dlt_id")} FROM ${qualifyDml(step.staging)})`;
  assertStatementSize(statement, step.target.table);
  return sql(statement);
}

/**
 * The statements that undo an interrupted step which is not idempotent, run before it runs again:
 * an Iceberg insert deletes the rows of this load's staging table, the `_dlt_loads` row is
 * deleted by load id and the `_dlt_version` row by version hash (the step writes it again right
 * after, so the hash is recorded exactly once). Every other step is safe to repeat: `[]`.
 *
 * @example
 * undoStatements(recordLoadStep); // ['DELETE FROM "awsdatacatalog"."shop"."_dlt_loads" WHERE "load_id" = \'1714392000.5\'']
 */
export function undoStatements(step: LoadStep): readonly string[] {
  switch (step.kind) {
    case "insertFromStaging":
      return (compileUndo(step) as { statements: readonly string[] }).statements;
    case "recordLoad":
      return [`DELETE FROM ${qualifyDml(step.table)} WHERE ${q("load_id")} = ${quoteLiteral(step.row.loadId)}`];
    case "recordSchema":
      return [`DELETE FROM ${qualifyDml(step.table)} WHERE ${q("version_hash")} = ${quoteLiteral(step.row.versionHash)}`];
    default:
      return [];
  }
}

const VERSION_COLUMNS = ["version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema"];

/** The `_dlt_version` row; the schema text is compressed when the plain statement is too long. */
function compileRecordSchema(step: StepOf<"recordSchema">): string {
  const { row } = step;
  const render = (schemaText: string) =>
    `INSERT INTO ${qualifyDml(step.table)}(${VERSION_COLUMNS.map(q).join(", ")}) VALUES (${integer(row.version)}, ${integer(row.engineVersion)}, ` +
    `${timestampLiteral(row.insertedAt)}, ${quoteLiteral(row.schemaName)}, ${quoteLiteral(row.versionHash)}, ${quoteLiteral(schemaText)})`;
  const plain = render(row.schema);
  return byteLength(plain) <= MAX_STATEMENT_BYTES ? plain : render(compressText(row.schema));
}

function assertStatementSize(statement: string, table: string): void {
  const bytes = byteLength(statement);
  if (bytes > MAX_STATEMENT_BYTES) {
    throw new LoadError(
      "statement_too_long",
      `A statement for table \`${table}\` would be ${bytes} bytes, over Athena's limit of ${MAX_STATEMENT_BYTES} bytes; it was not sent. ` +
        `Reduce the number of columns of the table (or, for _dlt_version, the size of the schema).`,
      { meta: { table, bytes, limit: MAX_STATEMENT_BYTES } },
    );
  }
}

/** The table a statement is about, for the size error: the written table, else the database or step. */
function tableOf(step: LoadStep): string {
  if (step.kind === "createDatabase") return step.database;
  return tablesWrittenBy(step)[0]?.table ?? step.kind;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new LoadError("invalid_literal", `${value} is not an integer.`, { meta: { value } });
  return String(value);
}

const byteLength = (text: string) => Buffer.byteLength(text, "utf8");
