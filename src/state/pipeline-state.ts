import { createHash } from "node:crypto";
import { encodeCompressedJson } from "../util/compressed-json.js";
import { canonicalJson } from "../schema/hash.js";
import type { IncrementalState } from "../source/incremental.js";

export const STATE_ENGINE_VERSION = 4;

/** State of one resource: its own keys plus its incremental cursors. */
export interface ResourceState {
  incremental?: Record<string, IncrementalState>;
  [key: string]: unknown;
}

export interface SourceState {
  resources?: Record<string, ResourceState>;
  [key: string]: unknown;
}

/**
 * The pipeline state (dlt's layout): versioned and hashed, saved locally after each run and
 * shipped in each load package so the destination keeps it in `_dlt_pipeline_state`.
 */
export interface PipelineState {
  _state_version: number;
  _state_engine_version: number;
  _version_hash: string;
  pipeline_name: string;
  dataset_name: string;
  default_schema_name?: string;
  schema_names: string[];
  destination_type?: string;
  staging_type?: string;
  sources: Record<string, SourceState>;
  /** Machine-local values, never part of the hash nor sent to the destination. */
  _local: {
    first_run: boolean;
    last_run_at?: string;
    /** The identity of the destination this state was last loaded into or restored from. */
    destination?: string;
  };
}

export function newPipelineState(pipelineName: string, datasetName: string): PipelineState {
  const state: PipelineState = {
    _state_version: 0,
    _state_engine_version: STATE_ENGINE_VERSION,
    _version_hash: "",
    pipeline_name: pipelineName,
    dataset_name: datasetName,
    schema_names: [],
    sources: {},
    _local: { first_run: true },
  };
  state._version_hash = hashState(state);
  return state;
}

/** Hash of the shared content: everything but the version counters, the hash and `_local`. */
export function hashState(state: PipelineState): string {
  const { _state_version, _version_hash, _local, ...content } = state;
  return createHash("sha256").update(canonicalJson(content)).digest("base64");
}

/**
 * Bumps the version when the content changed since it was last hashed.
 * Returns true when it did.
 */
export function bumpStateVersion(state: PipelineState): boolean {
  const hash = hashState(state);
  if (hash === state._version_hash) return false;
  state._version_hash = hash;
  state._state_version += 1;
  return true;
}

/** The state object of a resource, created on first use. */
export function resourceStateOf(state: PipelineState, sourceName: string, resourceName: string): ResourceState {
  const source = (state.sources[sourceName] ??= {});
  const resources = (source.resources ??= {});
  return (resources[resourceName] ??= {});
}

/** The state as the destination stores it: without `_local`. */
export function sharedState(state: PipelineState): Omit<PipelineState, "_local"> {
  const { _local, ...shared } = state;
  return shared;
}

/** The `_dlt_pipeline_state` row a package carries when the state changed. */
export function stateRow(state: PipelineState, now: Date): Record<string, unknown> {
  const shared = sharedState(state);
  return {
    version: BigInt(state._state_version),
    engine_version: BigInt(state._state_engine_version),
    pipeline_name: state.pipeline_name,
    state: encodeCompressedJson(shared),
    created_at: now,
    version_hash: state._version_hash,
  };
}

/**
 * A state read from a destination, with the parts older writers (or other tools) may leave out
 * filled in: a state without `sources` or `schema_names` is an empty one, not an error.
 *
 * @example normalizeSharedState({ _state_version: 3, pipeline_name: "p" }).sources; // {}
 */
export function normalizeSharedState(state: Partial<Omit<PipelineState, "_local">>): Omit<PipelineState, "_local"> {
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
  return {
    ...state,
    _state_version: Number(state._state_version ?? 0),
    _state_engine_version: Number(state._state_engine_version ?? STATE_ENGINE_VERSION),
    _version_hash: String(state._version_hash ?? ""),
    pipeline_name: String(state.pipeline_name ?? ""),
    dataset_name: String(state.dataset_name ?? ""),
    schema_names: Array.isArray(state.schema_names) ? state.schema_names.map(String) : [],
    sources: isObject(state.sources) ? (state.sources as PipelineState["sources"]) : {},
  };
}
