import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { mergeLines, mergeToml } from "./merge.js";

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
  /** The dependency on dlt-athena the project gets: a version range, or a `file:` path. */
  readonly packageVersion: string;
  /** Plan package.json as if there were none (writeScaffold merges it into an existing one). */
  readonly hasPackageJson?: boolean;
}

export interface ScaffoldResult {
  readonly dir: string;
  /** Files created or overwritten. */
  readonly written: readonly string[];
  /** Every file `init` handled, with what it did and the keys it added when merging. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly action: ScaffoldAction; readonly added: readonly string[] }>;
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
      ? `\n[sources.chess]\n# base_url = "https://api.chess.com/pub"   # or SOURCES__CHESS__BASE_URL\n# offline = true   # answer from the bundled sample chess/sample.json instead of chess.com (or SOURCES__CHESS__OFFLINE=true)\n`
      : `\n[sources.${name}]\n# base_url = "https://…"   # or SOURCES__${name.toUpperCase()}__BASE_URL\n`,
  };
  const files: ScaffoldFile[] = [
    { path: `${name}_pipeline.ts`, content: fill(template(isChess ? "chess/pipeline.ts" : "generic/pipeline.ts"), values) },
    { path: `${name}/index.ts`, content: fill(template(isChess ? "chess/source.ts" : "generic/source.ts"), values) },
    ...(isChess ? [{ path: `${name}/sample.json`, content: template("chess/sample.json") }] : []),
    { path: ".dlt/config.toml", content: fill(template("project/config.toml"), values) },
    { path: ".dlt/secrets.toml", content: template("project/secrets.toml") },
    { path: ".gitignore", content: template("project/gitignore") },
  ];
  if (options.hasPackageJson === false || !existsSync(join(options.dir, "package.json"))) {
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

/** What `init` does with a file: create it, overwrite generated code (`--force`), or merge into it. */
export type ScaffoldAction = "created" | "overwritten" | "merged" | "unchanged";

/** Files `init` merges into instead of replacing: configuration, secrets, ignore list, package.json. */
const MERGED = new Set([".dlt/config.toml", ".dlt/secrets.toml", ".gitignore", "package.json"]);

/**
 * Writes a project, or adds a source to an existing one. Generated code (`<source>_pipeline.ts`,
 * `<source>/…`) is never overwritten without `force`; when any would be, nothing is written and
 * the error lists them. Config, secrets, `.gitignore` and package.json are merged key by key,
 * with or without `force`: a value that is already set, a filled-in secret above all, stays.
 */
export function writeScaffold(options: ScaffoldOptions): ScaffoldResult {
  const dir = resolve(options.dir);
  const files = planScaffold({ ...options, dir, hasPackageJson: false });
  const existingCode = files.filter((file) => !MERGED.has(file.path) && existsSync(join(dir, file.path))).map((file) => file.path);
  if (existingCode.length > 0 && !options.force) {
    throw new UsageError(
      "file_exists",
      `Not overwriting existing files in ${dir}: ${existingCode.join(", ")}. Use --force to overwrite the generated code (config and secrets are merged, never overwritten), or choose another --dir.`,
      { meta: { dir, files: existingCode } },
    );
  }
  const outcomes: Array<{ path: string; action: ScaffoldAction; added: readonly string[] }> = [];
  const writes: Array<{ target: string; content: string }> = [];
  for (const file of files) {
    const target = join(dir, file.path);
    if (!existsSync(target)) {
      outcomes.push({ path: file.path, action: "created", added: [] });
      writes.push({ target, content: file.content });
      continue;
    }
    if (!MERGED.has(file.path)) {
      outcomes.push({ path: file.path, action: "overwritten", added: [] });
      writes.push({ target, content: file.content });
      continue;
    }
    const merged = mergeFile(file.path, readFileSync(target, "utf8"), file.content, target);
    outcomes.push({ path: file.path, action: merged.added.length > 0 ? "merged" : "unchanged", added: merged.added });
    if (merged.added.length > 0) writes.push({ target, content: merged.text });
  }
  for (const { target, content } of writes) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return {
    dir,
    written: outcomes.filter((o) => o.action === "created" || o.action === "overwritten").map((o) => o.path),
    files: outcomes,
    pipelineScript: `${options.source}_pipeline.ts`,
    isChess: options.source === "chess",
  };
}

function mergeFile(path: string, existing: string, generated: string, target: string): { text: string; added: readonly string[] } {
  if (path === ".gitignore") return mergeLines(existing, generated);
  if (path === "package.json") return mergePackageJson(existing, generated, target);
  try {
    return mergeToml(existing, generated);
  } catch (error) {
    throw new UsageError(
      "invalid_toml",
      `Cannot merge into ${target}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}. Fix the file (or move it away) and run init again.`,
      { meta: { file: target } },
    );
  }
}

/** Adds the dlt-athena dependency and the run scripts a package.json lacks; keeps everything else. */
function mergePackageJson(existing: string, generated: string, target: string): { text: string; added: readonly string[] } {
  let current: Record<string, unknown>;
  try {
    current = JSON.parse(existing) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError("invalid_package_json", `Cannot read ${target}: ${(error as Error).message}. Fix it and run init again.`, { meta: { file: target } });
  }
  const wanted = JSON.parse(generated) as { dependencies: Record<string, string>; scripts: Record<string, string> };
  const added: string[] = [];
  const dependencies = { ...(current.dependencies as Record<string, string> | undefined) };
  const devDependencies = (current.devDependencies as Record<string, string> | undefined) ?? {};
  if (!("dlt-athena" in dependencies) && !("dlt-athena" in devDependencies)) {
    dependencies["dlt-athena"] = wanted.dependencies["dlt-athena"]!;
    added.push("dependencies.dlt-athena");
  }
  const scripts = { ...(current.scripts as Record<string, string> | undefined) };
  for (const [name, command] of Object.entries(wanted.scripts)) {
    if (name in scripts) continue;
    scripts[name] = command;
    added.push(`scripts.${name}`);
  }
  if (added.length === 0) return { text: existing, added };
  const text = `${JSON.stringify({ ...current, scripts, dependencies }, null, 2)}\n`;
  return { text, added };
}
