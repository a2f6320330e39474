import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { resolveConfig } from "../../config/resolve.js";
import type { ResolvedConfig } from "../../config/resolve.js";
import type { SqlClient } from "../../destination/sql-client.js";
import { UsageError } from "../../errors.js";
import { WorkingFolder, pipelinesDirOf } from "../../pipeline/working-folder.js";
import { requireState, validatePipelineName } from "./pipeline-context.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output/render.js";
import { resultToCsv, resultToJson, resultToTable } from "../output/values.js";

export interface QueryCommandOptions {
  readonly local?: boolean;
  readonly pipelineName?: string;
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly types?: boolean;
  readonly projectDir?: string;
}

/** The dataset of a pipeline, from its local state: unqualified names resolve there. */
async function datasetOfPipeline(config: ResolvedConfig, cwd: string, name: string, isLocal: boolean): Promise<string> {
  validatePipelineName(name);
  const pipelinesDir = pipelinesDirOf(config, cwd);
  return (await requireState({ name, folder: new WorkingFolder(pipelinesDir, name), pipelinesDir, isLocal })).dataset_name;
}

/** Runs one SQL statement against Athena or the local engine and prints the result. */
export async function runQuery(io: CliIo, sql: string, options: QueryCommandOptions): Promise<void> {
  const projectDir = resolve(io.cwd, options.projectDir ?? ".");
  const config = resolveConfig({ projectDir, env: io.env, flags: options.local ? { "destination.athena.local": true } : {} });
  const isLocal = config.getBoolean("destination.athena.local");
  const database = options.pipelineName ? await datasetOfPipeline(config, io.cwd, options.pipelineName, isLocal) : undefined;
  let client: SqlClient;
  if (isLocal) {
    const { LocalEngine, localModePaths } = await import("../../destination/local/engine.js");
    const { databasePath } = localModePaths(projectDir);
    if (!existsSync(databasePath)) {
      throw new UsageError("no_local_data", `There is no local data in ${databasePath} yet: load some with \`dlt-athena run <script> --local\` first.`);
    }
    client = await LocalEngine.open({ databasePath, catalog: config.getString("destination.athena.aws_data_catalog") ?? "awsdatacatalog" });
  } else {
    const { checkAthenaConfig } = await import("../../config/preflight.js");
    checkAthenaConfig(config, { env: io.env, needsBucket: false });
    const { createAthenaSqlClient } = await import("../../destination/athena/client.js");
    client = createAthenaSqlClient(config, database ? { database } : {});
  }
  try {
    const result = await client.execute(sql, database ? { database } : {});
    if (options.json) return printJson(io, resultToJson(result));
    if (options.csv) return io.stdout(resultToCsv(result));
    const { seconds, bytesScanned } = result.statistics;
    const scanned = bytesScanned !== undefined ? `, ${(bytesScanned / 1e6).toFixed(2)} MB scanned` : "";
    io.stdout(`${resultToTable(result, options.types)}\n`);
    io.stderr(`(${result.rows.length} row${result.rows.length === 1 ? "" : "s"} in ${seconds.toFixed(2)} s${scanned})\n`);
  } finally {
    await client.close();
  }
}
