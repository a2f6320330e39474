/**
 * Test doubles for the executor: a recording SqlClient (scriptable failures, in-flight
 * tracking), a tiny dialect that compiles each step to `<kind> <table> #n` statements, and
 * builders for plans and steps.
 */
import type { CompiledStep, Dialect } from "../../../src/destination/dialect.js";
import type { LoadPlan, LoadStep, TableRef } from "../../../src/destination/plan.js";
import type { QueryResult, SqlClient } from "../../../src/destination/sql-client.js";

export const ref = (table: string, database = "shop"): TableRef => ({ catalog: "awsdatacatalog", database, table });

export const plan = (...waves: LoadStep[][]): LoadPlan => ({ loadId: "1714392000.5", waves, warnings: [], locationTags: {} });

export const insert = (table: string): LoadStep => ({
  kind: "insertFromStaging", target: ref(table), staging: ref(table, "shop_staging"), columns: ["id"],
});
export const createIceberg = (table: string): LoadStep => ({
  kind: "createIcebergTable", table: ref(table), columns: [], location: `s3://b/shop/${table}_x/`, partitions: [], ifNotExists: true,
});
export const deleteAll = (table: string): LoadStep => ({ kind: "deleteAll", table: ref(table) });
export const createDatabase = (database = "shop"): LoadStep => ({ kind: "createDatabase", catalog: "awsdatacatalog", database });

/** Compiles a step to `statementsPerKind[kind]` (default 1) statements naming its table. */
export function fakeDialect(statementsPerKind: Partial<Record<LoadStep["kind"], number>> = {}): Dialect & { compiled: number } {
  const dialect = {
    name: "duckdb" as const,
    compiled: 0,
    compileStep(step: LoadStep): CompiledStep {
      dialect.compiled++;
      if (step.kind === "uploadFiles" || step.kind === "deleteTableFiles") return { kind: "files", step };
      const table = "table" in step ? step.table.table : "target" in step ? step.target.table : "database" in step ? step.database : "?";
      const n = statementsPerKind[step.kind] ?? 1;
      return { kind: "sql", statements: Array.from({ length: n }, (_, i) => `${step.kind} ${table} #${i + 1}`) };
    },
  };
  return dialect;
}

/** A SqlClient that records statements and how many ran at once. */
export class RecordingClient implements SqlClient {
  readonly executed: string[] = [];
  /** `start <sql>` / `end <sql>` in order. */
  readonly events: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  #nextId = 1;
  readonly #failures: { match: RegExp; times: number }[] = [];

  /** Makes statements matching `match` fail (the next `times` of them). */
  failOn(match: RegExp, times = Number.POSITIVE_INFINITY): this {
    this.#failures.push({ match, times });
    return this;
  }

  async execute(sql: string): Promise<QueryResult> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.events.push(`start ${sql}`);
    try {
      // Long enough for other steps (each fsyncs its journal line first) to start if allowed.
      await new Promise((resolve) => setTimeout(resolve, 10));
      const failure = this.#failures.find((f) => f.times > 0 && f.match.test(sql));
      if (failure) {
        failure.times--;
        throw new Error(`boom: ${sql}`);
      }
      this.executed.push(sql);
      return { columns: [], rows: [], statistics: { queryId: `q${this.#nextId++}`, seconds: 0.25, bytesScanned: 100 } };
    } finally {
      this.inFlight--;
      this.events.push(`end ${sql}`);
    }
  }

  async close(): Promise<void> {}
}

/** An in-memory journal: scheduling tests must not wait on fsync. */
export function memoryJournal(entries: readonly string[] = []): { has(step: string): boolean; record(step: string): Promise<void>; entries: string[] } {
  const recorded = [...entries];
  return {
    entries: recorded,
    has: (step) => recorded.includes(step),
    record: async (step) => {
      if (!recorded.includes(step)) recorded.push(step);
    },
  };
}
