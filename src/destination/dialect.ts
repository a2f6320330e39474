import type { LoadStep } from "./plan.js";

/**
 * A compiled step: the SQL statements to run in order, or a file operation the executor performs
 * on the staging store. Steps that need no SQL on an engine compile to no statements.
 */
export type CompiledStep =
  | { readonly kind: "sql"; readonly statements: readonly string[] }
  | { readonly kind: "files"; readonly step: Extract<LoadStep, { kind: "uploadFiles" | "deleteTableFiles" }> };

/** Compiles plan steps to one engine's SQL. Pure: the same step gives the same text. */
export interface Dialect {
  readonly name: "athena" | "duckdb";
  compileStep(step: LoadStep): CompiledStep;
}
