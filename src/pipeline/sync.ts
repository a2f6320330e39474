/**
 * State sync at the start of every run (reference §8.4): the destination is the source of truth,
 * the working folder a cache of it.
 *
 * - The destination's state wins when its version is newer or equal and its hash differs, or
 *   whenever the local state was last synced with another destination (another database file,
 *   catalog, work group or bucket): its cursors say nothing about this one.
 * - When the destination holds no state of this pipeline (the dataset was dropped, the local
 *   database deleted, or this is another project's database) while the working folder holds
 *   state from a load, the working folder's cursors, schemas and deployed knowledge are reset and
 *   the run loads as a first run, with a warning naming the destination and dataset. A state
 *   whose package still waits to be loaded into this destination is kept: that package carries it.
 */
import type { StoredSchema } from "../schema/types.js";
import { identityOf } from "../destination/contract.js";
import type { Destination, DestinationStateRead } from "../destination/contract.js";
import { newPipelineState, normalizeSharedState } from "../state/pipeline-state.js";
import type { PipelineState } from "../state/pipeline-state.js";

export interface SyncInput {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly destination: Destination;
  readonly state: PipelineState;
  /** Version hashes of the local schemas (the warehouse checks them in the same query). */
  readonly schemaHashes: readonly string[];
  /** Whether a load package waits to be loaded into this destination. */
  readonly hasPendingHere: boolean;
  /** The state and schema the newest of those packages carries, if it carries one. */
  readonly pendingState?: { readonly state: Omit<PipelineState, "_local">; readonly schema: StoredSchema };
}

export type SyncOutcome =
  | { readonly kind: "unchanged"; readonly state: PipelineState }
  | { readonly kind: "restored"; readonly state: PipelineState; readonly schemas: readonly StoredSchema[] }
  | { readonly kind: "reset"; readonly state: PipelineState; readonly warning: string };

/**
 * Decides what the run starts from. Reads the destination (one query on the warehouse, plus one
 * per schema when its state is taken) and writes nothing: the caller persists the outcome.
 *
 * @example
 * const outcome = await syncWithDestination({ pipelineName, datasetName, destination, state, schemaHashes, hasPendingHere: false });
 * if (outcome.kind === "reset") console.warn(outcome.warning);
 */
export async function syncWithDestination(input: SyncInput): Promise<SyncOutcome> {
  const { destination, state: local } = input;
  const read = await readDestination(input);
  const remote = read.state === undefined ? undefined : normalizeSharedState(read.state);
  const isSameDestination = local._local.destination === identityOf(destination);
  if (input.pendingState !== undefined && !isSameDestination) {
    // Another destination's run moved the working folder on. A package waiting to be loaded here
    // was extracted after anything committed here, so its state is this destination's next one.
    const pending = normalizeSharedState(input.pendingState.state);
    if (pending._version_hash === local._version_hash) return { kind: "unchanged", state: local };
    const state: PipelineState = { ...pending, dataset_name: input.datasetName, _local: { ...local._local, destination: undefined } };
    return { kind: "restored", state, schemas: [input.pendingState.schema] };
  }
  if (remote !== undefined) {
    const differs = remote._version_hash !== local._version_hash;
    const isNewer = remote._state_version >= local._state_version;
    if (differs && (isNewer || !isSameDestination)) {
      const schemas = destination.restoreSchemas
        ? await destination.restoreSchemas(remote.schema_names)
        : ((await destination.restoreState(input.pipelineName))?.schemas ?? []);
      const state: PipelineState = {
        ...remote,
        // The dataset is always the one the user set, never the restored one (as dlt does).
        dataset_name: input.datasetName,
        _local: { ...local._local, first_run: false, destination: identityOf(destination) },
      };
      return { kind: "restored", state, schemas };
    }
    return { kind: "unchanged", state: { ...local, _local: { ...local._local, destination: identityOf(destination) } } };
  }
  const hasLoaded = local._local.destination !== undefined || local._state_version > 0 || local.schema_names.length > 0;
  if (!hasLoaded || input.hasPendingHere) {
    return { kind: "unchanged", state: local };
  }
  const where = `${destination.name} at ${destination.location}`;
  const why = !read.datasetExists
    ? `Dataset \`${input.datasetName}\` does not exist in ${where}`
    : `Dataset \`${input.datasetName}\` in ${where} holds no state of pipeline \`${input.pipelineName}\``;
  const since = isSameDestination
    ? `although the pipeline loaded data there`
    : `and the working folder's state comes from ${local._local.destination ? `another destination (${local._local.destination})` : "an earlier run"}`;
  const warning = `${why} ${since}: the working folder's cursors, schemas and deployed tables were reset and this run loads as a first run.`;
  const fresh = newPipelineState(input.pipelineName, input.datasetName);
  return { kind: "reset", state: { ...fresh, _local: { ...fresh._local, first_run: true } }, warning };
}

async function readDestination(input: SyncInput): Promise<DestinationStateRead> {
  if (input.destination.readState) return input.destination.readState(input.pipelineName, input.schemaHashes);
  const restored = await input.destination.restoreState(input.pipelineName);
  return { datasetExists: restored !== undefined, state: restored?.state };
}
