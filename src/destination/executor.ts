/**
 * Runs a {@link LoadPlan}: the only side-effecting stage of a load (STYLE §2.3 habit 1), shared
 * by Athena and the local DuckDB engine. Waves run in order; the steps of one wave run
 * concurrently up to a limit, except that steps committing to the same table never overlap
 * (two Iceberg commits on one table make one of them fail with ICEBERG_COMMIT_ERROR).
 *
 * Crash safety: every step is journaled in the load package as started (a `started:<id>` entry)
 * and as completed (`<id>`). A rerun skips completed steps. A step that started but never
 * completed may have run some statements: it first runs the dialect's undo statements (for an
 * Iceberg insert, deleting the rows of this load id), so a crash between statements, or between
 * a committed INSERT and its journal line, never duplicates rows.
 */
import { LoadError, DltAthenaError, InterruptedError } from "../errors.js";
import { throwIfInterrupted } from "../util/interrupt.js";
import { killPoint } from "../util/kill-point.js";
import { datasetKeyPrefix } from "../staging/bucket-url.js";
import { DEFAULT_UPLOAD_CONCURRENCY, uploadAll, type ObjectStore } from "../staging/object-store.js";
import { deleteTableFiles } from "../staging/replace.js";
import type { CompiledStep, Dialect } from "./dialect.js";
import { stepId, tablesWrittenBy, type LoadPlan, type LoadStep, type LoadStepKind } from "./plan.js";
import type { SqlClient } from "./sql-client.js";

/** The part of the package's `StepJournal` the executor uses. */
export interface ExecutorJournal {
  has(step: string): boolean;
  record(step: string): Promise<void>;
}

export interface ExecutePlanOptions {
  readonly dialect: Dialect;
  readonly client: SqlClient;
  readonly store: ObjectStore;
  /** The dataset folder's key prefix in the store (default: `<dataset>/`). */
  readonly datasetPrefixOf?: (dataset: string) => string;
  /** The staging layout; it decides each table's folder for `deleteTableFiles`. */
  readonly layout: string;
  /** The load package's journal (`pkg.journal`). */
  readonly journal: ExecutorJournal;
  /** Steps of one wave in flight at once (default 5). */
  readonly maxConcurrency?: number;
  /** Uploads in flight per `uploadFiles` step (default 8). */
  readonly uploadConcurrency?: number;
  /** Statements that reverse a partly run step (Athena: `undoStatements`); `[]` when nothing needs undoing. */
  readonly undo?: (step: LoadStep) => readonly string[];
  /**
   * For a partly run step that cannot be undone, what is left of it (e.g. the columns an
   * interrupted `addColumns` did not add yet); `undefined` when nothing is left.
   */
  readonly reconcile?: (step: LoadStep) => Promise<LoadStep | undefined>;
  /** Progress: called after each step completes or is skipped. */
  readonly onStep?: (report: StepReport) => void;
  /** Clock in ms, injected in tests. */
  readonly now?: () => number;
}

/** What happened to one step. */
export interface StepReport {
  readonly id: string;
  readonly wave: number;
  readonly kind: LoadStepKind;
  /** The tables the step writes, qualified (`awsdatacatalog.shop.orders`), for messages. */
  readonly tables: readonly string[];
  readonly status: "completed" | "skipped";
  /** Statements executed, undo statements included. */
  readonly statements: number;
  /** Undo statements run because an earlier attempt was interrupted. */
  readonly undoStatements: number;
  /** The step's wall time, including waits for the client's query slots. */
  readonly seconds: number;
  /** The statements' own durations, summed (what {@link ExecutionQueryStats} adds up). */
  readonly statementSeconds: number;
  readonly bytesScanned?: number;
  readonly queryIds: readonly string[];
  readonly filesUploaded?: number;
  readonly filesDeleted?: number;
}

/** Statement counts and time; the same shape as the pipeline's `QueryStats`. */
export interface ExecutionQueryStats {
  readonly count: number;
  /** Statements on the longest sequential path: per wave, the most any one step ran. */
  readonly longestChain: number;
  /** Sum of the statements' own durations. */
  readonly seconds: number;
  readonly bytesScanned?: number;
}

export interface ExecutionResult {
  readonly queries: ExecutionQueryStats;
  readonly steps: readonly StepReport[];
}

export const DEFAULT_MAX_STEP_CONCURRENCY = 5;

/**
 * The journal entry marking a step as started.
 *
 * @example
 * startedMarker("2.0.insertFromStaging"); // "started:2.0.insertFromStaging"
 */
export function startedMarker(id: string): string {
  return `started:${id}`;
}

interface Entry {
  readonly id: string;
  readonly wave: number;
  readonly step: LoadStep;
  readonly compiled: CompiledStep;
  readonly locks: readonly string[];
}

/**
 * Executes the plan and returns per-step reports and query statistics. The first failing step
 * stops the plan once the steps already running in its wave settle; the error keeps the cause's
 * code and names the step and its tables.
 *
 * @example
 * const result = await executePlan(plan, {
 *   dialect: athenaDialect, client: athena, store, layout, journal: pkg.journal,
 *   undo: undoStatements,
 * });
 * console.log(result.queries.count, result.queries.longestChain);
 */
export async function executePlan(plan: LoadPlan, options: ExecutePlanOptions): Promise<ExecutionResult> {
  const limit = Math.max(1, Math.floor(options.maxConcurrency ?? DEFAULT_MAX_STEP_CONCURRENCY));
  // Compile everything first: a step that cannot compile fails the load before any side effect.
  const waves = plan.waves.map((steps, wave) =>
    steps.map((step, index): Entry => {
      const id = stepId(wave, index, step);
      return { id, wave, step, compiled: options.dialect.compileStep(step), locks: lockKeysOf(step) };
    }),
  );
  const reports: StepReport[] = [];
  let longestChain = 0;
  for (const entries of waves) {
    const waveReports: StepReport[] = [];
    const todo = entries.filter((entry) => {
      if (!options.journal.has(entry.id)) return true;
      const skipped = skippedReport(entry);
      waveReports.push(skipped);
      options.onStep?.(skipped);
      return false;
    });
    await runBounded(todo, limit, async (entry) => {
      const report = await runStep(entry, options);
      waveReports.push(report);
      options.onStep?.(report);
    });
    longestChain += Math.max(0, ...waveReports.map((r) => r.statements));
    reports.push(...waveReports.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true })));
  }
  return { queries: queryStatsOf(reports, longestChain), steps: reports };
}

/**
 * The locks a step holds while it runs: one per table it writes, so two commits to the same
 * table never overlap. File steps lock the table's staging folder.
 *
 * @example
 * lockKeysOf({ kind: "deleteAll", table: { catalog: "c", database: "d", table: "t" } }); // ["table:c.d.t"]
 */
export function lockKeysOf(step: LoadStep): string[] {
  switch (step.kind) {
    case "createDatabase":
      return [`database:${step.catalog}.${step.database}`];
    case "deleteTableFiles":
      return step.tables.map((table) => `files:${step.dataset}/${table}`);
    case "uploadFiles":
      return [...new Set(step.files.map((file) => `files:${file.key.split("/")[0] ?? ""}/${file.table}`))];
    default:
      return tablesOf(step).map((table) => `table:${table}`);
  }
}

/** The tables a step writes, qualified (file steps: their folders), for locks and messages. */
function tablesOf(step: LoadStep): string[] {
  if (step.kind === "deleteTableFiles") return step.tables.map((table) => `${step.dataset}/${table}`);
  if (step.kind === "uploadFiles") return [...new Set(step.files.map((file) => file.table))];
  return tablesWrittenBy(step).map((ref) => `${ref.catalog}.${ref.database}.${ref.table}`);
}

/** The interrupted step reduced to what is left, compiled; no statements when nothing is. */
async function reconciled(entry: Entry, options: ExecutePlanOptions): Promise<CompiledStep> {
  const remaining = await options.reconcile!(entry.step);
  return remaining ? options.dialect.compileStep(remaining) : { kind: "sql", statements: [] };
}

async function runStep(entry: Entry, options: ExecutePlanOptions): Promise<StepReport> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const { journal } = options;
  const wasInterrupted = journal.has(startedMarker(entry.id));
  const undo = wasInterrupted && options.undo ? options.undo(entry.step) : [];
  const stats = { statements: 0, bytesScanned: undefined as number | undefined, seconds: 0, queryIds: [] as string[] };
  let files: { uploaded: number; deleted: number } | undefined;
  // A safe point: after SIGINT/SIGTERM no new step starts; running ones finish and are journaled.
  throwIfInterrupted(`before load step ${entry.id}`);
  try {
    if (!wasInterrupted) await journal.record(startedMarker(entry.id));
    killPoint(`started:${entry.step.kind}`);
    for (const sql of undo) await runStatement(sql, options.client, stats);
    const compiled = wasInterrupted && options.reconcile ? await reconciled(entry, options) : entry.compiled;
    if (compiled.kind === "sql") {
      for (const sql of compiled.statements) await runStatement(sql, options.client, stats);
    } else {
      files = await runFileStep(compiled.step, options);
    }
    killPoint(`step:${entry.step.kind}`);
    await journal.record(entry.id);
    killPoint(`journal:${entry.step.kind}`);
  } catch (error) {
    throw stepFailedError(entry, error);
  }
  return {
    id: entry.id,
    wave: entry.wave,
    kind: entry.step.kind,
    tables: tablesOf(entry.step),
    status: "completed",
    statements: stats.statements,
    undoStatements: undo.length,
    seconds: (now() - startedAt) / 1000,
    statementSeconds: stats.seconds,
    ...(stats.bytesScanned !== undefined ? { bytesScanned: stats.bytesScanned } : {}),
    queryIds: stats.queryIds,
    ...(files ? { filesUploaded: files.uploaded, filesDeleted: files.deleted } : {}),
  };
}

async function runStatement(
  sql: string,
  client: SqlClient,
  stats: { statements: number; bytesScanned: number | undefined; seconds: number; queryIds: string[] },
): Promise<void> {
  const { statistics } = await client.execute(sql);
  stats.statements++;
  stats.seconds += statistics.seconds;
  if (statistics.bytesScanned !== undefined) stats.bytesScanned = (stats.bytesScanned ?? 0) + statistics.bytesScanned;
  if (statistics.queryId !== undefined) stats.queryIds.push(statistics.queryId);
}

async function runFileStep(
  step: Extract<CompiledStep, { kind: "files" }>["step"],
  options: ExecutePlanOptions,
): Promise<{ uploaded: number; deleted: number }> {
  if (step.kind === "uploadFiles") {
    const items = step.files.map((file) => ({ key: file.key, body: { path: file.localPath } }));
    await uploadAll(options.store, items, { concurrency: options.uploadConcurrency ?? DEFAULT_UPLOAD_CONCURRENCY });
    return { uploaded: items.length, deleted: 0 };
  }
  const { deleted } = await deleteTableFiles(options.store, {
    datasetPrefix: (options.datasetPrefixOf ?? datasetKeyPrefix)(step.dataset),
    tables: step.tables,
    layout: options.layout,
  });
  return { uploaded: 0, deleted: deleted.length };
}

/**
 * Runs `entries` with at most `limit` at once; an entry waits while a running one holds any of
 * its locks. After the first failure nothing new starts; running entries settle, then it throws.
 */
async function runBounded(entries: readonly Entry[], limit: number, run: (entry: Entry) => Promise<void>): Promise<void> {
  const pending = [...entries];
  const held = new Set<string>();
  let running = 0;
  let failure: { error: unknown } | undefined;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      for (let i = 0; failure === undefined && i < pending.length && running < limit; ) {
        const entry = pending[i] as Entry;
        if (entry.locks.some((key) => held.has(key))) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        running++;
        for (const key of entry.locks) held.add(key);
        run(entry)
          .catch((error: unknown) => {
            failure ??= { error };
          })
          .finally(() => {
            running--;
            for (const key of entry.locks) held.delete(key);
            pump();
          });
      }
      if (running === 0) resolve();
    };
    pump();
  });
  if (failure !== undefined) throw failure.error;
}

function stepFailedError(entry: Entry, error: unknown): Error {
  if (error instanceof InterruptedError) return error;
  const tables = tablesOf(entry.step);
  const where = tables.length > 0 ? ` (${tables.join(", ")})` : "";
  const cause = error instanceof Error ? error.message : String(error);
  const message = `Load step ${entry.id}${where} failed: ${cause}`;
  const meta = { step: entry.id, step_kind: entry.step.kind, tables };
  if (error instanceof DltAthenaError) {
    // Keep the cause's code (athena_query_failed, undefined_relation, …): callers branch on it.
    return new LoadError(error.code, message, { cause: error, isTransient: error.isTransient, meta: { ...error.meta, ...meta } });
  }
  return new LoadError("load_step_failed", message, { cause: error, meta });
}

function skippedReport(entry: Entry): StepReport {
  return {
    id: entry.id, wave: entry.wave, kind: entry.step.kind, tables: tablesOf(entry.step), status: "skipped",
    statements: 0, undoStatements: 0, seconds: 0, statementSeconds: 0, queryIds: [],
  };
}

function queryStatsOf(reports: readonly StepReport[], longestChain: number): ExecutionQueryStats {
  let bytesScanned: number | undefined;
  for (const r of reports) if (r.bytesScanned !== undefined) bytesScanned = (bytesScanned ?? 0) + r.bytesScanned;
  return {
    count: reports.reduce((n, r) => n + r.statements, 0),
    longestChain,
    seconds: reports.reduce((s, r) => s + r.statementSeconds, 0),
    ...(bytesScanned !== undefined ? { bytesScanned } : {}),
  };
}
