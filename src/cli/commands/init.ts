import { writeScaffold } from "../../scaffold/scaffold.js";
import type { CliIo } from "../io.js";
import { bold, printJson } from "../output/render.js";

export interface InitOptions {
  readonly dir?: string;
  readonly force?: boolean;
  readonly json?: boolean;
}

export function runInit(io: CliIo, source: string, destination: string, options: InitOptions, version: string): void {
  const result = writeScaffold({
    source,
    destination,
    dir: options.dir ?? io.cwd,
    force: options.force ?? false,
    packageVersion: `^${version}`,
  });
  if (options.json) {
    printJson(io, { status: "ok", dir: result.dir, files: result.written, pipelineScript: result.pipelineScript });
    return;
  }
  const lines = [
    `${bold(io, `Your new pipeline ${source}_pipeline is ready`)} in ${result.dir}:`,
    ...result.written.map((file) => `  created ${file}`),
    "",
    "Next steps:",
    `  1. Fill in your AWS staging bucket, query result bucket, region and credentials in .dlt/secrets.toml`,
    `     (or the environment, e.g. DESTINATION__FILESYSTEM__BUCKET_URL).`,
    `  2. npm install`,
    `  3. dlt-athena run ${result.pipelineScript}`,
    `  Or try it offline first: dlt-athena run ${result.pipelineScript} --local`,
  ];
  io.stderr(`${lines.join("\n")}\n`);
}
