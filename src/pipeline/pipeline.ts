import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { resolveConfig } from "../config/resolve.js";
import type { ResolvedConfig } from "../config/resolve.js";
import { ConfigError, DltAthenaError, InterruptedError, LoadError, UsageError } from "../errors.js";
import { Extractor } from "../extract/extract.js";
import { createLoadPackage, listLoadPackages, openLoadPackage } from "../packages/load-package.js";
import type { LoadPackage } from "../packages/load-package.js";
import { createLoadIdGenerator } from "../packages/load-id.js";
import { normalizeTableIdentifier } from "../schema/naming.js";
import { Schema } from "../schema/schema.js";
import { DLT_STATE_TABLE } from "../schema/types.js";
import type { StoredSchema } from "../schema/types.js";
import { resource } from "../source/resource.js";
import { keptPackageMessage, readBinding, writeBinding } from "./package-binding.js";
import type { PackageBinding } from "./package-binding.js";
import { syncWithDestination } from "./sync.js";
import { identityOf } from "../destination/contract.js";
import type { Destination, DestinationFactory } from "../destination/contract.js";
import { LoadInfo } from "./load-info.js";
import type { PackageInfo } from "./load-info.js";
import { lineProgress, runHost } from "./run-host.js";
import type { ProgressEvent } from "./run-host.js";
import { sourceOf } from "./run-data.js";
import type { PipelineData, RunOptions } from "./run-data.js";
import { writerSettingsOf } from "./writer-settings.js";
import { validateResourceOptions } from "../extract/hints.js";
import { throwIfInterrupted } from "../util/interrupt.js";
import { killPoint } from "../util/kill-point.js";
import { retriesSince, retryCounts } from "../util/retry-counts.js";
import { acquirePipelineLock } from "./lock.js";
import type { PipelineLock } from "./lock.js";
import { validateDatasetName, validatePipelineName } from "./names.js";
import { SCHEMA_BEFORE_FILE, STATE_BEFORE_FILE, adoptPackageState, removeLeftovers, revertPackageState } from "./recovery.js";
import { isTerminalLoadFailure } from "./terminal.js";
import { JOB_MANIFEST } from "../packages/job-manifest.js";
import type { JobManifestEntry } from "../packages/job-manifest.js";
import { PACKAGE_FAILURE_FILE } from "../packages/load-package.js";
import { bumpStateVersion, newPipelineState, normalizeSharedState, sharedState, stateRow } from "../state/pipeline-state.js";
import type { PipelineState } from "../state/pipeline-state.js";
import { WorkingFolder, pipelinesDirOf } from "./working-folder.js";
import { defaultProjectDir } from "../config/project.js";

export interface PipelineOptions {
  /** Names the working folder and the state kept in the destination. Default `dlt_athena_pipeline`. */
  readonly pipelineName?: string;
  /** `"athena"`, or a destination object (for custom destinations and tests). */
  readonly destination?: "athena" | Destination;
  /** Athena always stages Parquet files in the filesystem destination (`[destination.filesystem]`). */
  readonly staging?: "filesystem";
  /** The Athena database (and S3 folder). Default `<pipelineName>_dataset`. */
  readonly datasetName?: string;
  /** Where working folders live. Default `[pipeline] pipelines_dir`, else `~/.dlt-athena/pipelines`. */
  readonly pipelinesDir?: string;
  /**
   * Log progress to stderr, a line per phase and about one per second while extracting. The CLI
   * shows a spinner on terminals instead; this is for scripts run without it.
   */
  readonly progress?: boolean;
  /** The folder holding `.dlt/`. Default `DLT_PROJECT_DIR`, else the current directory (the CLI's `--project-dir` wins). */
  readonly projectDir?: string;
  /**
   * Seconds to wait for another run of this pipeline to release its lock (the CLI's `--wait`);
   * default 0: fail at once, naming the holder.
   */
  readonly lockWaitSeconds?: number;
  /** Load into the embedded local engine, as `--local` does. */
  readonly local?: boolean;
}

// Kept on globalThis so a script that loads its own copy of the package still sees destinations
// the CLI registered.
const FACTORIES = Symbol.for("dlt-athena.destination-factories");
const destinationFactories: Map<string, () => Promise<DestinationFactory>> = ((globalThis as Record<symbol, unknown>)[FACTORIES] ??=
  new Map()) as Map<string, () => Promise<DestinationFactory>>;

/** Makes a destination available by name; the Athena module registers itself this way. */
export function registerDestination(name: string, load: () => Promise<DestinationFactory>): void {
  destinationFactories.set(name, load);
}

export interface StepTrace {
  readonly step: "sync" | "extract" | "load";
  readonly startedAt: string;
  readonly seconds: number;
  readonly error?: string;
}

/**
 * A pipeline moves data from sources into a dataset: `run` = extract (with normalization into
 * Parquet) → load. Unfinished packages of earlier runs are loaded first.
 *
 * @example
 * const p = pipeline({ pipelineName: "shop", destination: "athena", staging: "filesystem", datasetName: "shop_data" });
 * const info = await p.run([{ id: 1, items: [{ sku: "A" }] }], { tableName: "orders" });
 */
export class Pipeline {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly folder: WorkingFolder;
  readonly config: ResolvedConfig;
  private readonly destinationOption: "athena" | Destination;
  private destinationValue: Destination | undefined;
  private stateValue: PipelineState | undefined;
  private schemas = new Map<string, Schema>();
  private readonly nextLoadId = createLoadIdGenerator();
  private trace: StepTrace[] = [];
  private retriesAtStart = retryCounts();
  private lock: PipelineLock | undefined;
  /** Errors of packages this run marked failed, oldest first. */
  private terminalErrors: DltAthenaError[] = [];
  private readonly lockWaitSeconds: number | undefined;
  /** Warnings of this run that belong to no package (a reset by the sync, a package kept). */
  private runWarnings: string[] = [];
  lastTrace: { readonly steps: readonly StepTrace[]; readonly loadInfo?: unknown } | undefined;
  private readonly isDryRun: boolean;
  private readonly onProgress: ((event: ProgressEvent) => void) | undefined;

  constructor(options: PipelineOptions = {}) {
    const host = runHost();
    const overrides = host.overrides;
    this.pipelineName = validatePipelineName(overrides.pipelineName ?? options.pipelineName ?? "dlt_athena_pipeline");
    const dataset = overrides.datasetName ?? options.datasetName;
    if (dataset !== undefined) validateDatasetName(dataset);
    this.datasetName = normalizeTableIdentifier(dataset ?? `${this.pipelineName}_dataset`);
    this.lockWaitSeconds = overrides.lockWaitSeconds ?? options.lockWaitSeconds;
    const projectDir = overrides.projectDir ?? options.projectDir ?? defaultProjectDir();
    this.config = resolveConfig({
      projectDir,
      flags: overrides.isLocal || options.local ? { "destination.athena.local": true } : {},
    });
    const pipelinesDir = options.pipelinesDir ?? pipelinesDirOf(this.config);
    this.folder = new WorkingFolder(pipelinesDir, this.pipelineName);
    this.destinationOption = options.destination ?? "athena";
    this.isDryRun = overrides.isDryRun === true;
    this.onProgress = host.onProgress ?? (options.progress ? lineProgress() : undefined);
    if (options.staging !== undefined && options.staging !== "filesystem") {
      throw new UsageError("unsupported_staging", `Staging "${String(options.staging)}" is not supported: Athena stages files with "filesystem".`);
    }
  }

  /** The pipeline state (source and resource state, incremental cursors). */
  get state(): PipelineState {
    if (!this.stateValue) throw new UsageError("state_not_loaded", "The pipeline state is available after the first run, extract or sync.");
    return this.stateValue;
  }

  /** The schema of the last source extracted, or the first stored one. */
  get defaultSchema(): Schema | undefined {
    const name = this.stateValue?.default_schema_name;
    return name ? this.schemas.get(name) : undefined;
  }

  /** Extracts and loads `data`, after completing any unfinished package. */
  async run(data?: PipelineData, options: RunOptions = {}): Promise<LoadInfo> {
    const startedAt = new Date();
    this.trace = [];
    this.retriesAtStart = retryCounts();
    this.runWarnings = [];
    if (this.isDryRun) return this.dryRun(startedAt, data, options);
    return this.locked(() => this.runLocked(startedAt, data, options));
  }

  private async runLocked(startedAt: Date, data: PipelineData | undefined, options: RunOptions): Promise<LoadInfo> {
    await this.open(false);
    // Configuration problems (a missing bucket, an invalid layout) surface before anything is extracted.
    const destination = await this.destination();
    // The destination is the source of truth: its state (or its absence) decides where this run starts.
    await this.step("sync", () => this.syncWith(destination));
    const packages: PackageInfo[] = [];
    packages.push(...(await this.step("load", () => this.loadPending())));
    if (data !== undefined) {
      const loadId = await this.step("extract", () => this.extractPackage(data, options));
      throwIfInterrupted("after extracting load package " + loadId + " (it loads on the next run)");
      packages.push(...(await this.step("load", () => this.loadPending([loadId]))));
    }
    const info = await this.finish(startedAt, packages);
    const failed = packages.flatMap((p) => p.jobs).filter((j) => j.state === "failed");
    const terminal = this.terminalErrors.splice(0);
    if (failed.length > 0 && terminal[0] !== undefined) {
      // Keep the cause's code (table_format_change, statement_too_long, …): scripts branch on it.
      const first = terminal[0];
      throw new LoadError(
        first.code,
        `${first.message}\nThe load package is marked failed and is not loaded again (see dlt-athena pipeline ${this.pipelineName} failed-jobs); ` +
          `the working folder went back to the state before it, so fix the cause and run the pipeline again.`,
        { cause: first, meta: { ...first.meta, loadInfo: info.toJSON() } },
      );
    }
    if (failed.length > 0) {
      throw new LoadError(
        "load_failed",
        `${failed.length} job(s) failed for good: ${failed.map((j) => `${j.job}: ${j.failure ?? "unknown"}`).join("; ")}. ` +
          `Their package is marked failed and is not loaded again (see dlt-athena pipeline ${this.pipelineName} failed-jobs); fix the cause and run the pipeline again.`,
        { meta: { loadInfo: info.toJSON() } },
      );
    }
    return info;
  }

  /**
   * `--dry-run`: syncs with its real target read-only, extracts and normalizes, prints the plan,
   * and forgets it all: the package is removed and neither the state nor the schemas of the
   * working folder change. Configuration is validated as a real run validates it.
   */
  private async dryRun(startedAt: Date, data: PipelineData | undefined, options: RunOptions): Promise<LoadInfo> {
    await this.open(false);
    const { openDryRunTarget, planDryRun } = await import("./dry-run.js");
    const target = await openDryRunTarget(this.config, this.datasetName);
    const snapshot = JSON.stringify(this.state);
    const warnings: string[] = [];
    try {
      if (target.destination !== undefined) {
        const outcome = await syncWithDestination({
          pipelineName: this.pipelineName,
          datasetName: this.datasetName,
          destination: target.destination,
          state: this.state,
          schemaHashes: [...this.schemas.values()].map((schema) => schema.toJSON().versionHash),
          hasPendingHere: false,
        }).catch(() => undefined);
        if (outcome !== undefined && outcome.kind !== "unchanged") {
          this.schemas.clear();
          if (outcome.kind === "restored") for (const schema of outcome.schemas) this.schemas.set(schema.name, Schema.fromJSON(schema));
          else warnings.push(outcome.warning.replace("were reset and this run loads", "would be reset and a real run would load"));
        }
        if (outcome !== undefined) this.stateValue = outcome.state;
      } else if (this.state._local.destination !== target.identity) {
        // What this working folder knows belongs to another destination: plan as a first run.
        this.stateValue = newPipelineState(this.pipelineName, this.datasetName);
        this.schemas.clear();
      }
      if (data === undefined) return this.finish(startedAt, []);
      const loadId = await this.extractPackage(data, options, false);
      const pkg = await openLoadPackage(this.folder.packagesRoot, loadId);
      try {
        const schema = await pkg.readSchema<StoredSchema>();
        runHost().onDryRun?.(
          await planDryRun({ target, config: this.config, pkg, schema: schema!, pipelineName: this.pipelineName, datasetName: this.datasetName, warnings }),
        );
      } finally {
        await rm(pkg.path, { recursive: true, force: true });
      }
    } finally {
      await target.close();
      this.stateValue = JSON.parse(snapshot) as PipelineState;
      this.schemas.clear();
      for (const stored of await this.folder.listSchemas()) this.schemas.set(stored.name, Schema.fromJSON(stored));
    }
    return new LoadInfo({ pipelineName: this.pipelineName, datasetName: this.datasetName, destination: `${target.name} (dry run)`, location: "", packages: [], startedAt, finishedAt: new Date() });
  }

  /** Extracts and normalizes `data` into a new load package; returns its load id. */
  async extract(data: PipelineData, options: RunOptions = {}): Promise<string> {
    return this.locked(async () => {
      await this.open();
      return this.extractPackage(data, options);
    });
  }

  /** Packages are normalized while they are extracted; this returns the load ids waiting to load. */
  async normalize(): Promise<string[]> {
    await this.open();
    return (await listLoadPackages(this.folder.packagesRoot)).filter((p) => p.state === "normalized").map((p) => p.loadId);
  }

  /** Loads every package that is not loaded yet, oldest first. */
  async load(): Promise<LoadInfo> {
    const startedAt = new Date();
    this.retriesAtStart = retryCounts();
    return this.locked(async () => {
      await this.open();
      return this.finish(startedAt, await this.loadPending());
    });
  }

  /**
   * Runs `fn` holding the pipeline's lock (reentrant within this object). Under the lock, the
   * leftovers of dead runs are removed first: nothing else can be writing in the working folder.
   */
  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    if (this.lock) return fn();
    await this.folder.ensure();
    this.lock = await acquirePipelineLock(this.folder.path, { waitSeconds: this.lockWaitSeconds ?? 0 });
    try {
      await removeLeftovers(this.folder);
      return await fn();
    } finally {
      const lock = this.lock;
      this.lock = undefined;
      await lock.release();
    }
  }

  private async step<T>(step: StepTrace["step"], fn: () => Promise<T>): Promise<T> {
    const started = new Date();
    try {
      const result = await fn();
      this.trace.push({ step, startedAt: started.toISOString(), seconds: (Date.now() - started.getTime()) / 1000 });
      return result;
    } catch (error) {
      this.trace.push({ step, startedAt: started.toISOString(), seconds: (Date.now() - started.getTime()) / 1000, error: error instanceof Error ? error.message : String(error) });
      await this.folder.writeTrace({ steps: this.trace }).catch(() => undefined);
      await this.closeDestination().catch(() => undefined);
      throw error;
    }
  }

  private async finish(startedAt: Date, packages: PackageInfo[]): Promise<LoadInfo> {
    const destination = this.destinationValue;
    await this.closeDestination();
    const info = new LoadInfo({
      pipelineName: this.pipelineName,
      datasetName: this.datasetName,
      destination: destination?.name ?? String(this.destinationOption),
      location: destination?.location ?? "",
      packages,
      runWarnings: this.runWarnings,
      startedAt,
      finishedAt: new Date(),
      retries: retriesSince(this.retriesAtStart),
    });
    this.lastTrace = { steps: this.trace, loadInfo: info.toJSON() };
    await this.folder.writeTrace(this.lastTrace);
    runHost().onLoadInfo?.(info);
    return info;
  }

  /** Releases the destination's clients (and the local engine's file); the next run opens them again. */
  private async closeDestination(): Promise<void> {
    const destination = this.destinationValue;
    if (!destination || typeof this.destinationOption !== "string") return;
    this.destinationValue = undefined;
    await destination.close();
  }

  /** Reads the local state and schemas; on a fresh machine restores them from the destination. */
  private async open(restore = true): Promise<void> {
    if (this.stateValue) return;
    await this.folder.ensure();
    // A package that finished extracting carries its state: a crash before the working folder
    // was updated must not make the next extract start from the older state.
    let state = await adoptPackageState(this.folder, await this.folder.readState());
    if (!state && !restore) state = newPipelineState(this.pipelineName, this.datasetName);
    if (!state) {
      state = newPipelineState(this.pipelineName, this.datasetName);
      const restored = await this.step("sync", () => this.restoreFromDestination());
      if (restored) {
        state = { ...normalizeSharedState(restored.state), _local: { first_run: false, ...(this.destinationValue ? { destination: identityOf(this.destinationValue) } : {}) } };
        for (const schema of restored.schemas) await this.folder.writeSchema(schema);
        await this.folder.writeState(state);
      }
    }
    this.stateValue = state;
    for (const stored of await this.folder.listSchemas()) this.schemas.set(stored.name, Schema.fromJSON(stored));
  }

  private async restoreFromDestination() {
    const destination = await this.destination().catch((error: unknown) => {
      // Without a configured destination there is nothing to restore from; extract still works.
      if (error instanceof ConfigError || (error instanceof UsageError && error.code === "destination_not_available")) return undefined;
      throw error;
    });
    return destination?.restoreState(this.pipelineName);
  }

  /** The sync at the start of a run (`sync.ts`), persisted in the working folder. */
  private async syncWith(destination: Destination): Promise<void> {
    const here = (await this.pendingPackages()).filter((p) => p.binding === undefined || p.binding.identity === identityOf(destination));
    const newest = here.at(-1)?.pkg;
    const pendingState = newest ? await newest.readStateUpdate<Omit<PipelineState, "_local">>() : undefined;
    const pendingSchema = newest && pendingState ? await newest.readSchema<StoredSchema>() : undefined;
    const outcome = await syncWithDestination({
      pipelineName: this.pipelineName,
      datasetName: this.datasetName,
      destination,
      state: this.state,
      schemaHashes: [...this.schemas.values()].map((schema) => schema.toJSON().versionHash),
      hasPendingHere: here.length > 0,
      ...(pendingState && pendingSchema ? { pendingState: { state: pendingState, schema: pendingSchema } } : {}),
    });
    if (outcome.kind === "unchanged" && JSON.stringify(outcome.state) === JSON.stringify(this.state)) return;
    if (outcome.kind !== "unchanged") {
      await this.folder.clearSchemas();
      this.schemas.clear();
    }
    if (outcome.kind === "restored") {
      for (const schema of outcome.schemas) {
        await this.folder.writeSchema(schema);
        this.schemas.set(schema.name, Schema.fromJSON(schema));
      }
    }
    if (outcome.kind === "reset") this.runWarnings.push(outcome.warning);
    this.stateValue = outcome.state;
    await this.folder.writeState(outcome.state);
  }

  /** Normalized packages waiting to load, oldest first, with the destination each is bound to. */
  private async pendingPackages(only?: readonly string[]): Promise<{ pkg: LoadPackage; binding: PackageBinding | undefined }[]> {
    const pending = (await listLoadPackages(this.folder.packagesRoot)).filter(
      (p) => p.state === "normalized" && (only === undefined || only.includes(p.loadId)),
    );
    const found = [];
    for (const summary of pending) {
      const pkg = await openLoadPackage(this.folder.packagesRoot, summary.loadId);
      found.push({ pkg, binding: await readBinding(pkg) });
    }
    return found;
  }

  /** Restores state and schemas from the destination, replacing the local ones (`pipeline sync`). */
  async sync(): Promise<boolean> {
    return this.locked(() => this.syncLocked());
  }

  private async syncLocked(): Promise<boolean> {
    await this.folder.ensure();
    const destination = await this.destination();
    const restored = await destination.restoreState(this.pipelineName).finally(() => this.closeDestination());
    if (!restored) return false;
    for (const schema of restored.schemas) await this.folder.writeSchema(schema);
    this.stateValue = { ...normalizeSharedState(restored.state), _local: { first_run: false, destination: identityOf(destination) } };
    await this.folder.writeState(this.stateValue);
    return true;
  }

  private async destination(): Promise<Destination> {
    if (this.destinationValue) return this.destinationValue;
    if (typeof this.destinationOption !== "string") return (this.destinationValue = this.destinationOption);
    const load =
      destinationFactories.get(this.destinationOption) ??
      (this.destinationOption === "athena"
        ? async () => (await import("../destination/factory.js")).createAthenaDestination
        : undefined);
    if (!load) {
      throw new UsageError("destination_not_available", `The ${this.destinationOption} destination is not available in this build.`);
    }
    const factory = await load();
    this.destinationValue = await factory({ config: this.config, pipelineName: this.pipelineName, datasetName: this.datasetName });
    return this.destinationValue;
  }

  private async extractPackage(data: PipelineData, options: RunOptions, persist = true): Promise<string> {
    const writer = writerSettingsOf(this.config);
    const { name, resources } = sourceOf(data, options, this.pipelineName);
    // Bad hints are usage errors (exit 2) found before anything is written.
    for (const r of resources) validateResourceOptions(r);
    const state = this.state;
    const before = JSON.stringify(state);
    const schemaBefore = this.schemas.get(name)?.toJSON() ?? null;
    const schema = this.schemas.get(name) ?? new Schema(name);
    schema.addStateTable();
    const loadId = this.nextLoadId();
    const pkg = await createLoadPackage(this.folder.packagesRoot, loadId);
    const target = this.destinationValue;
    if (target) await writeBinding(pkg, { identity: identityOf(target), name: target.name });
    const writing = join(this.folder.packagesRoot, `.${loadId}.writing`);
    await mkdir(writing, { recursive: true });
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(":memory:");
    try {
      const onProgress = (resourceName: string, items: number) => {
        // A safe point: the package is not normalized yet, so stopping here leaves nothing behind.
        throwIfInterrupted(`while extracting ${resourceName}`);
        killPoint("extract:batch");
        this.onProgress?.({ kind: "extract", resource: resourceName, items });
      };
      const extractor = () => new Extractor({ loadId, directory: writing, schema, sourceName: name, state, instance, onProgress, ...writer });
      const result = await extractor().extract(resources);
      state.default_schema_name = name;
      state.schema_names = [...new Set([...state.schema_names, name])].sort();
      state.dataset_name = this.datasetName;
      state.destination_type = "athena";
      state.staging_type = "filesystem";
      const files = [...result.files];
      if (bumpStateVersion(state)) {
        // The state travels as a row of `_dlt_pipeline_state` in the same package, so it becomes
        // visible in the destination together with the data it describes.
        await pkg.writeJSON(STATE_BEFORE_FILE, sharedState(JSON.parse(before) as PipelineState));
        await pkg.writeStateUpdate(sharedState(state));
        killPoint("extract:state");
        const row = resource([stateRow(state, new Date())], { name: DLT_STATE_TABLE, writeDisposition: "append" });
        files.push(...(await extractor().extract([row])).files);
      }
      const manifest: JobManifestEntry[] = [];
      for (const file of files) {
        const job = await pkg.addJobFile(file.path);
        manifest.push({ job: job.name, table: file.table, rows: file.rows, bytes: file.bytes });
      }
      await pkg.writeJSON(JOB_MANIFEST, manifest);
      killPoint("extract:jobs");
      if (result.warnings.length > 0) await pkg.writeJSON(EXTRACT_WARNINGS, result.warnings);
      schema.bumpVersion();
      await pkg.writeJSON(SCHEMA_BEFORE_FILE, schemaBefore);
      await pkg.writeSchema(schema.toJSON());
      await pkg.setState("normalized");
      killPoint("extract:normalized");
      this.schemas.set(name, schema);
      if (persist) {
        await this.folder.writeSchema(schema.toJSON());
        killPoint("extract:folder-schema");
        state._local = { ...state._local, first_run: false, last_run_at: new Date().toISOString() };
        await this.folder.writeState(state);
      }
      return loadId;
    } catch (error) {
      // Nothing of this run counts: the state goes back to what it was and the package is marked aborted.
      this.stateValue = JSON.parse(before) as PipelineState;
      const stored = await this.folder.readSchema(name);
      if (stored) this.schemas.set(name, Schema.fromJSON(stored));
      else this.schemas.delete(name);
      await pkg.setState("aborted").catch(() => undefined);
      throw wrapStepError("extract", error);
    } finally {
      instance.closeSync();
      await rm(writing, { recursive: true, force: true });
    }
  }

  /** Loads normalized packages (all, or the given ones), oldest first. */
  private async loadPending(only?: readonly string[]): Promise<PackageInfo[]> {
    const pending = await this.pendingPackages(only);
    if (pending.length === 0) return [];
    const destination = await this.destination();
    const target = { identity: identityOf(destination), name: destination.name };
    const infos: PackageInfo[] = [];
    for (const { pkg, binding } of pending) {
      throwIfInterrupted(`before loading package ${pkg.loadId}`);
      if (binding !== undefined && binding.identity !== target.identity) {
        this.runWarnings.push(keptPackageMessage(pkg, binding, target));
        continue;
      }
      if (binding === undefined) await writeBinding(pkg, target);
      // A package that failed for good is marked failed and does not hold up the ones after it.
      infos.push(await this.loadOne(destination, pkg));
    }
    return infos;
  }

  private async loadOne(destination: Destination, pkg: LoadPackage): Promise<PackageInfo> {
    const schema = await pkg.readSchema<StoredSchema>();
    if (!schema) throw new LoadError("package_corrupt", `Load package ${pkg.path} has no schema.json; remove it or restore the file.`);
    const state = await pkg.readStateUpdate<Omit<PipelineState, "_local">>();
    let result;
    this.onProgress?.({ kind: "phase", text: `loading package ${pkg.loadId} into ${destination.name}` });
    try {
      const onProgress = this.onProgress;
      const onStep = onProgress ? (step: { readonly kind: string; readonly done: number; readonly total: number }) => onProgress({ kind: "load", loadId: pkg.loadId, step: step.kind, done: step.done, total: step.total }) : undefined;
      result = await destination.loadPackage(pkg, { pipelineName: this.pipelineName, datasetName: this.datasetName, schema, state, ...(onStep ? { onStep } : {}) });
    } catch (error) {
      if (isTerminalLoadFailure(error)) return this.failPackage(pkg, error as DltAthenaError);
      throw wrapStepError("load", error, pkg.loadId);
    }
    const failed = result.jobs.some((j) => j.state === "failed");
    if (result.schema && result.schema.versionHash !== schema.versionHash) {
      // The destination recorded details in the schema (Iceberg locations): keep its version.
      await this.folder.writeSchema(result.schema);
      this.schemas.set(result.schema.name, Schema.fromJSON(result.schema));
    }
    killPoint("load:executed");
    if (!failed) {
      await pkg.setState("loaded");
      killPoint("load:loaded");
      if (this.stateValue && this.stateValue._local.destination !== identityOf(destination)) {
        this.stateValue._local = { ...this.stateValue._local, destination: identityOf(destination) };
        await this.folder.writeState(this.stateValue);
      }
    }
    const extractWarnings = (await pkg.readJSON<string[]>(EXTRACT_WARNINGS)) ?? [];
    return { loadId: pkg.loadId, state: failed ? "failed" : "loaded", jobs: result.jobs, queries: result.queries, warnings: [...extractWarnings, ...result.warnings] };
  }

  /**
   * A load that no rerun can complete (a table format switch, SQL the engine refuses): every job
   * still pending is moved to `failed_jobs/` with the reason, the package is marked failed so
   * later runs pass it by, and the working folder goes back to the state and schema it had before
   * this package was extracted, so the fixed script extracts its data again.
   */
  private async failPackage(pkg: LoadPackage, error: DltAthenaError): Promise<PackageInfo> {
    this.terminalErrors.push(error);
    const reason = reasonOf(error);
    for (const job of [...(await pkg.listJobs("new")), ...(await pkg.listJobs("started"))]) await pkg.failJob(job.name, reason);
    await pkg.writeJSON(PACKAGE_FAILURE_FILE, { reason, code: error.code, failed_at: new Date().toISOString() });
    await pkg.setState("failed");
    // Once rows of the package were committed, extracting them again would load them twice.
    const wroteData = pkg.journal.completed.some((id) => /\.(insertFromStaging|mergeDeleteInsert|mergeUpsert|deleteAll|uploadFiles|recordLoad)$/.test(id));
    const reverted = wroteData ? undefined : await revertPackageState(this.folder, pkg);
    if (reverted) this.stateValue = reverted;
    this.schemas.clear();
    for (const stored of await this.folder.listSchemas()) this.schemas.set(stored.name, Schema.fromJSON(stored));
    const manifest = (await pkg.readJSON<JobManifestEntry[]>(JOB_MANIFEST)) ?? [];
    const jobs = manifest.map((entry) => ({ job: entry.job, table: entry.table, state: "failed" as const, rows: entry.rows, bytes: entry.bytes, failure: reason }));
    if (jobs.length === 0) jobs.push({ job: pkg.loadId, table: "", state: "failed", rows: 0, bytes: 0, failure: reason });
    return { loadId: pkg.loadId, state: "failed", jobs, queries: { count: 0, longestChain: 0, seconds: 0 }, warnings: [] };
  }
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof DltAthenaError ? ` [${error.code}]` : "";
  return `${message}${code}`;
}

/** The package file holding what extract warned about (shown with the package's load info). */
const EXTRACT_WARNINGS = "extract-warnings.json";

/** What a failed load step leaves: the package is still pending, the next run loads it first. */
export const LOAD_NEXT_ACTION = "The load package stays pending; run again to resume it.";

/**
 * A step's error, naming the step and, for a load, the load id and the next action (as dlt's
 * `PipelineStepFailed` and job errors do). Our errors keep their code and kind (so their exit code);
 * an interrupt passes through as it is.
 */
function wrapStepError(step: "extract" | "load", error: unknown, loadId?: string): Error {
  if (error instanceof InterruptedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (loadId === undefined) {
    if (error instanceof DltAthenaError) return error;
    return new LoadError(`${step}_failed`, `Pipeline step ${step} failed: ${message}`, { cause: error, meta: { step } });
  }
  const text = `Pipeline step ${step} failed for load package ${loadId}: ${message}\n${LOAD_NEXT_ACTION}`;
  if (!(error instanceof DltAthenaError)) return new LoadError(`${step}_failed`, text, { cause: error, meta: { step, loadId } });
  const options = { cause: error, meta: { ...error.meta, step, loadId }, isTransient: error.isTransient };
  if (error.kind === "config") return new ConfigError(error.code, text, options);
  if (error.kind === "usage") return new UsageError(error.code, text, options);
  return new LoadError(error.code, text, options);
}

/**
 * Creates a pipeline.
 *
 * @example
 * const p = pipeline({ pipelineName: "chess_pipeline", destination: "athena", staging: "filesystem", datasetName: "chess_data" });
 */
export function pipeline(options: PipelineOptions = {}): Pipeline {
  return new Pipeline(options);
}
