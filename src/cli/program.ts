import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { runDbtProfile } from "./commands/dbt-profile.js";
import type { DbtProfileCommandOptions } from "./commands/dbt-profile.js";
import { runInit } from "./commands/init.js";
import { runPipelineCommand } from "./commands/pipeline.js";
import type { PipelineCommandOptions } from "./commands/pipeline.js";
import { runQuery } from "./commands/query.js";
import type { QueryCommandOptions } from "./commands/query.js";
import { runScript } from "./commands/run.js";
import type { RunCommandOptions } from "./commands/run.js";
import type { CliIo } from "./io.js";

export const PIPELINE_OPERATIONS = ["info", "trace", "schema", "drop", "sync", "failed-jobs", "drop-pending-packages"] as const;

/** The global `--project-dir`, as an option object to spread. */
function projectDirOf(program: Command): { projectDir?: string; verbose?: boolean } {
  const { projectDir, verbose } = program.opts<{ projectDir?: string; verbose?: boolean }>();
  return { ...(projectDir ? { projectDir } : {}), ...(verbose ? { verbose } : {}) };
}

/**
 * The commander program, with every command and option declared once. Actions throw; `main`
 * turns errors into output and exit codes, so the program can be parsed in tests.
 */
export function createProgram(io: CliIo, version: string): Command {
  const program = new Command("dlt-athena")
    .description("Load data into AWS Athena the way dlt does: extract, normalize, stage Parquet in S3, run Athena SQL.")
    .version(version, "-V, --version", "print the version")
    .option("--project-dir <dir>", "project folder holding .dlt/ (default: the current directory)")
    .option("--verbose", "log details to stderr (progress lines, stacks and causes of errors): [runtime] log_level = \"DEBUG\"")
    .showHelpAfterError("(run with --help for usage)")
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command("init")
    .description("scaffold a pipeline project: <source>_pipeline.ts, the source module and .dlt/ config")
    .argument("<source>", "`chess`, or any name for a generic starter source")
    .argument("<destination>", "the destination; only `athena` is supported")
    .option("--dir <dir>", "project folder to write into (default: the current directory)")
    .option("--force", "overwrite existing files")
    .option("--json", "print the result as JSON")
    .action((source: string, destination: string, options: { dir?: string; force?: boolean; json?: boolean }) =>
      runInit(io, source, destination, options, version),
    );

  program
    .command("run")
    .description("run a pipeline script: extract, normalize and load into Athena")
    .argument("<script>", "the pipeline script (.ts or .js)")
    .option("--local", "load into the embedded local engine in .dlt/local/ (no AWS account needed)")
    .option("--dry-run", "extract and normalize, then print the plan without touching S3 or Athena")
    .option("--json", "print the load info as one JSON document")
    .option("--pipeline-name <name>", "override the pipeline name")
    .option("--dataset <name>", "override the dataset name")
    .option("--wait <seconds>", "wait up to this long for another run of the same pipeline to finish (default: fail at once)", parseSeconds)
    .action((script: string, options: RunCommandOptions) => runScript(io, script, { ...options, ...projectDirOf(program) }));

  program
    .command("query")
    .description("run SQL against the pipeline's dataset in Athena or the local engine")
    .argument("<sql>", "the SQL (Athena/Trino dialect)")
    .option("--local", "query the embedded local engine")
    .option("--pipeline-name <name>", "resolve unqualified tables in this pipeline's dataset")
    .addOption(new Option("--json", "print one JSON document").conflicts("csv"))
    .addOption(new Option("--csv", "print CSV").conflicts("json"))
    .option("--types", "show column types in the table")
    .action((sql: string, options: QueryCommandOptions) => runQuery(io, sql, { ...options, ...projectDirOf(program) }));

  program
    .command("pipeline")
    .description("inspect or manage a pipeline: info | trace | schema | drop | sync | failed-jobs | drop-pending-packages")
    .argument("<name>", "the pipeline name")
    .addArgument(new Argument("<operation>", PIPELINE_OPERATIONS.join(" | ")).choices(PIPELINE_OPERATIONS))
    .option("--local", "use the embedded local engine")
    .option("--json", "print one JSON document")
    .option("--yes", "drop without asking for confirmation (required when there is no terminal)")
    .option("--dataset <name>", "sync/drop: the dataset to restore from when the working folder is gone (default <name>_dataset)")
    .action((name: string, operation: string, options: PipelineCommandOptions) =>
      runPipelineCommand(io, name, operation, { ...options, ...projectDirOf(program) }),
    );

  program
    .command("dbt-profile")
    .description("print a dbt profile (dbt-athena) for the pipeline's destination")
    .option("--pipeline-name <name>", "the pipeline whose dataset becomes the dbt schema")
    .action((options: DbtProfileCommandOptions) => runDbtProfile(io, { ...options, ...projectDirOf(program) }));

  return program;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new InvalidArgumentError(`"${value}" is not a number of seconds (e.g. --wait 60).`);
  return seconds;
}

/** Exit code for a commander error: help and version are successes, anything else is bad usage. */
export function exitCodeOfCommander(error: CommanderError): 0 | 2 {
  return ["commander.helpDisplayed", "commander.help", "commander.version"].includes(error.code) ? 0 : 2;
}
