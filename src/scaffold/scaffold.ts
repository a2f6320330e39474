import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";

export const SUPPORTED_DESTINATIONS = ["athena"] as const;

/** The package's `templates/` folder: two levels up from both `src/scaffold/` and `dist/scaffold/`. */
const TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "templates");

export interface ScaffoldFile {
  /** Path relative to the project folder. */
  readonly path: string;
  readonly content: string;
}

export interface ScaffoldOptions {
  readonly source: string;
  readonly destination: string;
  /** The project folder (created when missing). */
  readonly dir: string;
  /** Overwrite existing files. */
  readonly force?: boolean;
  /** The version range of dlt-athena the new project depends on. */
  readonly packageVersion: string;
}

export interface ScaffoldResult {
  readonly dir: string;
  readonly written: readonly string[];
  readonly pipelineScript: string;
  readonly isChess: boolean;
}

const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await".split(" "),
);

/** Checks a source name: it becomes a folder, a file prefix and part of TypeScript identifiers. */
export function validateSourceName(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name) || RESERVED.has(name)) {
    throw new UsageError(
      "invalid_source_name",
      `"${name}" is not a valid source name: use letters, digits and underscores, starting with a letter or underscore, and not a reserved word (e.g. "github_issues").`,
      { meta: { source: name } },
    );
  }
}

export function validateDestination(destination: string): void {
  if (!(SUPPORTED_DESTINATIONS as readonly string[]).includes(destination)) {
    throw new UsageError(
      "unsupported_destination",
      `Destination "${destination}" is not supported. Supported destinations: ${SUPPORTED_DESTINATIONS.join(", ")}.`,
      { meta: { destination } },
    );
  }
}

function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/gi, (_, c: string) => c.toUpperCase()).replace(/^_+/, "");
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, key: string) => values[key] ?? match);
}

function template(path: string): string {
  return readFileSync(join(TEMPLATES_DIR, path), "utf8");
}

/**
 * The files `init` writes, without touching the disk.
 *
 * @example planScaffold({ source: "chess", destination: "athena", dir: "x", packageVersion: "^0.1.0" })
 */
export function planScaffold(options: ScaffoldOptions): ScaffoldFile[] {
  validateDestination(options.destination);
  validateSourceName(options.source);
  const name = options.source;
  const isChess = name === "chess";
  const camel = camelCase(name) || "source";
  const values = {
    source_name: name,
    sourceFn: `${camel}Source`,
    SourceType: camel.charAt(0).toUpperCase() + camel.slice(1),
    SOURCE_ENV: name.toUpperCase(),
    pipelineVar: `${camel}Pipeline`,
    source_config: isChess
      ? `\n[sources.chess]\n# base_url = "https://api.chess.com/pub"   # or SOURCES__CHESS__BASE_URL\n`
      : `\n[sources.${name}]\n# base_url = "https://…"   # or SOURCES__${name.toUpperCase()}__BASE_URL\n`,
  };
  const files: ScaffoldFile[] = [
    { path: `${name}_pipeline.ts`, content: fill(template(isChess ? "chess/pipeline.ts" : "generic/pipeline.ts"), values) },
    { path: `${name}/index.ts`, content: fill(template(isChess ? "chess/source.ts" : "generic/source.ts"), values) },
    { path: ".dlt/config.toml", content: fill(template("project/config.toml"), values) },
    { path: ".dlt/secrets.toml", content: template("project/secrets.toml") },
    { path: ".gitignore", content: template("project/gitignore") },
  ];
  if (!existsSync(join(options.dir, "package.json"))) {
    const projectPackage = {
      name: basename(resolve(options.dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, "-") || `${name}-pipeline`,
      private: true,
      type: "module",
      scripts: { start: `dlt-athena run ${name}_pipeline.ts`, "start:local": `dlt-athena run ${name}_pipeline.ts --local` },
      dependencies: { "dlt-athena": options.packageVersion },
    };
    files.push({ path: "package.json", content: `${JSON.stringify(projectPackage, null, 2)}\n` });
  }
  return files;
}

/**
 * Writes a new project. Existing files are never overwritten without `force`; when any would be,
 * nothing is written and the error lists them all.
 */
export function writeScaffold(options: ScaffoldOptions): ScaffoldResult {
  const dir = resolve(options.dir);
  const files = planScaffold({ ...options, dir });
  const existing = files.filter((file) => existsSync(join(dir, file.path))).map((file) => file.path);
  if (existing.length > 0 && !options.force) {
    throw new UsageError(
      "file_exists",
      `Not overwriting existing files in ${dir}: ${existing.join(", ")}. Use --force to overwrite them, or choose another --dir.`,
      { meta: { dir, files: existing } },
    );
  }
  for (const file of files) {
    const target = join(dir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
  return {
    dir,
    written: files.map((file) => file.path),
    pipelineScript: `${options.source}_pipeline.ts`,
    isChess: options.source === "chess",
  };
}
