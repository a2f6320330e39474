import { describe, expect, it } from "vitest";
import type { Destination, DestinationStateRead } from "../../../src/destination/contract.js";
import { newPipelineState, sharedState } from "../../../src/state/pipeline-state.js";
import type { PipelineState } from "../../../src/state/pipeline-state.js";
import { syncWithDestination } from "../../../src/pipeline/sync.js";
import type { SyncInput } from "../../../src/pipeline/sync.js";
import type { StoredSchema } from "../../../src/schema/types.js";

const HERE = "local:/p/.dlt/local/athena.duckdb";
const schema = (name: string) => ({ name, version: 1, versionHash: `${name}-h`, tables: {} }) as unknown as StoredSchema;

/** A destination that answers the sync read with `read` and the schema restore with `schemas`. */
function destination(read: DestinationStateRead, schemas: StoredSchema[] = [schema("shop")]): Destination & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    name: "athena (local)",
    identity: HERE,
    location: "/p/.dlt/local/athena.duckdb",
    asked,
    loadPackage: () => Promise.reject(new Error("not here")),
    restoreState: () => Promise.resolve(undefined),
    readState: () => Promise.resolve(read),
    restoreSchemas: (names) => {
      asked.push([...names]);
      return Promise.resolve(schemas);
    },
    close: () => Promise.resolve(),
  };
}

function state(version: number, hash: string, destinationId?: string): PipelineState {
  const base = newPipelineState("shop", "shop_data");
  return {
    ...base,
    _state_version: version,
    _version_hash: hash,
    schema_names: ["shop"],
    sources: { shop: { resources: { orders: { incremental: { id: { last_value: version } } } } } } as unknown as PipelineState["sources"],
    _local: { first_run: false, ...(destinationId ? { destination: destinationId } : {}) },
  };
}

const input = (local: PipelineState, dest: Destination, extra: Partial<SyncInput> = {}): SyncInput => ({
  pipelineName: "shop",
  datasetName: "shop_data",
  destination: dest,
  state: local,
  schemaHashes: ["shop-h"],
  hasPendingHere: false,
  ...extra,
});

describe("state sync at the start of a run (reference §8.4)", () => {
  it("takes the destination's state when it is newer or equal and differs, with its schemas and the user's dataset", async () => {
    const remote = { ...sharedState(state(3, "remote")), dataset_name: "elsewhere" };
    for (const localVersion of [2, 3]) {
      const dest = destination({ datasetExists: true, state: remote });
      const outcome = await syncWithDestination(input(state(localVersion, "local", HERE), dest));
      expect(outcome.kind).toBe("restored");
      expect(outcome.state).toMatchObject({ _state_version: 3, _version_hash: "remote", dataset_name: "shop_data", _local: { destination: HERE } });
      expect(dest.asked).toEqual([["shop"]]);
    }
  });

  it("keeps a newer local state of the same destination, and an equal one", async () => {
    const newer = await syncWithDestination(input(state(4, "local", HERE), destination({ datasetExists: true, state: sharedState(state(3, "remote")) })));
    expect(newer).toMatchObject({ kind: "unchanged", state: { _state_version: 4 } });
    const same = await syncWithDestination(input(state(3, "same", HERE), destination({ datasetExists: true, state: sharedState(state(3, "same")) })));
    expect(same.kind).toBe("unchanged");
  });

  it("takes this destination's state over a newer one the working folder got from another destination", async () => {
    const outcome = await syncWithDestination(input(state(9, "clone", "local:/other/athena.duckdb"), destination({ datasetExists: true, state: sharedState(state(2, "here")) })));
    expect(outcome).toMatchObject({ kind: "restored", state: { _state_version: 2, _version_hash: "here" } });
  });

  it("resets the working folder when the dataset is gone, naming destination and dataset", async () => {
    const outcome = await syncWithDestination(input(state(5, "local", HERE), destination({ datasetExists: false, state: undefined })));
    expect(outcome.kind).toBe("reset");
    expect(outcome.state).toMatchObject({ _state_version: 0, sources: {}, schema_names: [] });
    expect(outcome.kind === "reset" && outcome.warning).toMatch(/^Dataset `shop_data` does not exist in athena \(local\) at \/p\/\.dlt\/local\/athena\.duckdb although the pipeline loaded data there/);
  });

  it("resets when the dataset holds no state of this pipeline, also for state from another destination", async () => {
    const outcome = await syncWithDestination(input(state(5, "local", "athena:awsdatacatalog/primary/s3://lake"), destination({ datasetExists: true, state: undefined })));
    expect(outcome.kind === "reset" && outcome.warning).toMatch(/holds no state of pipeline `shop` and the working folder's state comes from another destination \(athena:awsdatacatalog\/primary\/s3:\/\/lake\)/);
  });

  it("keeps a first run's state, and one whose package still waits to load here", async () => {
    const fresh = newPipelineState("shop", "shop_data");
    expect((await syncWithDestination(input(fresh, destination({ datasetExists: false, state: undefined })))).kind).toBe("unchanged");
    const pending = await syncWithDestination(input(state(1, "local", HERE), destination({ datasetExists: false, state: undefined }), { hasPendingHere: true }));
    expect(pending.kind).toBe("unchanged");
  });

  it("continues from the state a package waiting here carries when another destination moved the working folder on", async () => {
    const carried = sharedState(state(2, "pending"));
    const outcome = await syncWithDestination(
      input(state(7, "other", "local:/other/athena.duckdb"), destination({ datasetExists: true, state: sharedState(state(1, "remote")) }), {
        hasPendingHere: true,
        pendingState: { state: carried, schema: schema("shop") },
      }),
    );
    expect(outcome).toMatchObject({ kind: "restored", state: { _state_version: 2, _version_hash: "pending" } });
  });

  it("copes with a remote state that has no sources or schema names", async () => {
    const bare = { _state_version: 1, _version_hash: "bare", pipeline_name: "shop" } as unknown as DestinationStateRead["state"];
    const outcome = await syncWithDestination(input(newPipelineState("shop", "shop_data"), destination({ datasetExists: true, state: bare }, [])));
    expect(outcome).toMatchObject({ kind: "restored", state: { sources: {}, schema_names: [], dataset_name: "shop_data" } });
  });
});
