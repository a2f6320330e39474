/**
 * dlt-athena's public API: declare sources and resources, create a pipeline, run it.
 *
 * @example
 * import { pipeline, resource, incremental } from "dlt-athena";
 * const issues = resource(fetchIssues, { name: "issues", primaryKey: "id", writeDisposition: "merge",
 *   incremental: incremental("updated_at") });
 * await pipeline({ pipelineName: "github", destination: "athena", staging: "filesystem", datasetName: "github_data" }).run(issues);
 */
export { source, Source } from "./source/source.js";
export type { SourceOptions } from "./source/source.js";
export { resource, transformer, Resource } from "./source/resource.js";
export type { Item, ResourceContext, ResourceData, ResourceOptions, WriteDispositionOption } from "./source/resource.js";
export { incremental, Incremental } from "./source/incremental.js";
export type { IncrementalOptions, IncrementalState, LastValueFunc } from "./source/incremental.js";
export { pipeline, Pipeline, registerDestination } from "./pipeline/pipeline.js";
export type { PipelineOptions, StepTrace } from "./pipeline/pipeline.js";
export type { PipelineData, RunOptions } from "./pipeline/run-data.js";
export { LoadInfo } from "./pipeline/load-info.js";
export type { PackageInfo, TableInfo } from "./pipeline/load-info.js";
export type { Destination, LoadContext, LoadJobResult, PackageLoadResult, QueryStats, RestoredState } from "./destination/contract.js";
export type { PipelineState } from "./state/pipeline-state.js";
export { Schema } from "./schema/schema.js";
export { DltAthenaError, ConfigError, LoadError, UsageError } from "./errors.js";
export { resolveConfig, ResolvedConfig } from "./config/resolve.js";
export { configValue } from "./config/project.js";
export type { ConfigLayers, ConfigValue, ResolvedValue, ValueSource } from "./config/resolve.js";
export type * from "./schema/types.js";
