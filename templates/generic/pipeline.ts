/**
 * Loads {{source_name}} into Athena.
 *
 *   dlt-athena run {{source_name}}_pipeline.ts           # into AWS (fill in .dlt/secrets.toml first)
 *   dlt-athena run {{source_name}}_pipeline.ts --local   # into the embedded local engine
 */
import { pipeline } from "dlt-athena";
import { {{sourceFn}} } from "./{{source_name}}/index.js";

const {{pipelineVar}} = pipeline({
  pipelineName: "{{source_name}}_pipeline",
  destination: "athena",
  staging: "filesystem",
  datasetName: "{{source_name}}_data",
});

// `dlt-athena run` prints the load summary (or `--json`); the returned LoadInfo is there for scripts.
await {{pipelineVar}}.run({{sourceFn}}());
