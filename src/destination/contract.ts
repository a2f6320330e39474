import type { ResolvedConfig } from "../config/resolve.js";
import type { LoadPackage } from "../packages/load-package.js";
import type { StoredSchema } from "../schema/types.js";
import type { PipelineState } from "../state/pipeline-state.js";

/** The final state of one file job after a load. */
export interface LoadJobResult {
  readonly job: string;
  readonly table: string;
  readonly state: "completed" | "failed";
  readonly rows?: number;
  readonly bytes?: number;
  /** Where the file went (an S3 URL or a local path). */
  readonly target?: string;
  readonly failure?: string;
}

export interface QueryStats {
  /** Statements executed. */
  readonly count: number;
  /** The longest chain of statements that had to run one after another. */
  readonly longestChain: number;
  readonly seconds: number;
  readonly bytesScanned?: number;
}

export interface PackageLoadResult {
  readonly jobs: readonly LoadJobResult[];
  readonly queries: QueryStats;
  /** Things the user should know, e.g. a merge on a Hive table that fell back to append. */
  readonly warnings: readonly string[];
  /** The schema as the destination recorded it (e.g. with Iceberg location tags); the pipeline keeps it. */
  readonly schema?: StoredSchema;
}

/** What the pipeline hands a destination for one package. */
export interface LoadContext {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly schema: StoredSchema;
  /** The pipeline state shipped with the package, when it changed. */
  readonly state: Omit<PipelineState, "_local"> | undefined;
  /** Called after each executed step of the package's plan, for progress displays. */
  readonly onStep?: (step: { readonly kind: string; readonly done: number; readonly total: number }) => void;
}

/** The newest state and schemas stored in a destination for one pipeline. */
export interface RestoredState {
  readonly state: Omit<PipelineState, "_local">;
  readonly schemas: readonly StoredSchema[];
}

/** What one read of the destination at the start of a run found (reference §8.4). */
export interface DestinationStateRead {
  /** False when the dataset (or dlt's tables in it) does not exist. */
  readonly datasetExists: boolean;
  /** The pipeline's newest committed state, or undefined when there is none. */
  readonly state: Omit<PipelineState, "_local"> | undefined;
}

/**
 * A destination loads normalized packages. Loading must be idempotent per load id: a package
 * interrupted half-way is handed over again and must complete without duplicating rows.
 */
export interface Destination {
  /** e.g. `athena` or `athena (local)`, for summaries. */
  readonly name: string;
  /** Where the data goes, for summaries (e.g. `s3://lake/raw on awsdatacatalog`). */
  readonly location: string;
  /**
   * Which destination this is, e.g. `local:/p/.dlt/local/athena.duckdb` or
   * `athena:awsdatacatalog/primary/s3://lake/raw`. Load packages and what is known to be
   * deployed are bound to it; two destinations with different identities never share them.
   * A custom destination without one is identified by its name.
   */
  readonly identity?: string;
  loadPackage(pkg: LoadPackage, context: LoadContext): Promise<PackageLoadResult>;
  /** The newest stored state of the pipeline, or undefined when the destination has none. */
  restoreState(pipelineName: string): Promise<RestoredState | undefined>;
  /**
   * The sync read at the start of a run: the newest committed state, in as few queries as the
   * destination can (the warehouse also learns which of `schemaHashes` it has recorded, so the
   * load needs no separate version check). Without it, {@link restoreState} is used.
   */
  readState?(pipelineName: string, schemaHashes: readonly string[]): Promise<DestinationStateRead>;
  /** The newest stored version of each named schema (after {@link readState} chose the remote state). */
  restoreSchemas?(names: readonly string[]): Promise<StoredSchema[]>;
  close(): Promise<void>;
}

export interface DestinationFactoryInput {
  readonly config: ResolvedConfig;
  readonly pipelineName: string;
  readonly datasetName: string;
}

export type DestinationFactory = (input: DestinationFactoryInput) => Promise<Destination>;

/** {@link Destination.identity}, or `custom:<name>` for a destination that has none. */
export function identityOf(destination: Pick<Destination, "identity" | "name">): string {
  return destination.identity ?? `custom:${destination.name}`;
}
