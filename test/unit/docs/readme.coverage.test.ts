/**
 * Every flag in the README's command table and every key in its configuration table has a test
 * that mentions it: a documented flag or key without one fails here. The flags a test names are
 * looked up with their command (`"--types"` in a file that also runs `"query"`), so `--json` of
 * `init` is not covered by a test of `run --json`. The program's own options must all be documented.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { createProgram } from "../../../src/cli/program.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const SELF = relative(ROOT, new URL(import.meta.url).pathname);

/** The lines of the table under a `## heading`, up to the next heading. */
function tableRows(heading: string): string[][] {
  const start = README.indexOf(`\n## ${heading}\n`);
  expect(start, `README has no "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const end = README.indexOf("\n## ", start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  return section
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[-| ]+\|$/.test(line))
    .slice(1)
    .map((line) => line.replace(/\\\|/g, "¦").split("|").slice(1, -1).map((cell) => cell.trim()));
}

/** `[command, flag]` pairs of the command table, plus the global options (command undefined). */
function documentedFlags(): Array<[string | undefined, string]> {
  const out: Array<[string | undefined, string]> = [];
  for (const [usage = ""] of tableRows("Commands")) {
    const command = /`dlt-athena ([a-z-]+)/.exec(usage)?.[1];
    expect(command, `no command in ${usage}`).toBeDefined();
    for (const flag of new Set(usage.match(/--[a-z][a-z-]*/g) ?? [])) out.push([command, flag]);
  }
  for (const match of README.matchAll(/^Global options?: (.*)$/gm)) {
    for (const flag of match[1]!.match(/--[a-z][a-z-]*/g) ?? []) out.push([undefined, flag]);
  }
  return out;
}

/** Keys of the configuration table (a row may list several, e.g. `file_max_items`, `file_max_bytes`). */
function documentedKeys(): string[] {
  const keys: string[] = [];
  for (const [, key = ""] of tableRows("Configuration")) {
    for (const match of key.matchAll(/`([a-z_]+)`/g)) keys.push(match[1]!);
  }
  return keys;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return /\.test\.ts$/.test(name) && relative(ROOT, path) !== SELF ? [path] : [];
  });
}

const TESTS = testFiles(join(ROOT, "test")).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));

describe("README coverage by tests", () => {
  it("finds the tables it checks", () => {
    expect(documentedFlags().length).toBeGreaterThanOrEqual(15);
    expect(documentedKeys()).toEqual(expect.arrayContaining(["bucket_url", "max_retries", "file_max_bytes", "pipelines_dir", "compression"]));
  });

  it.each(documentedFlags())("%s %s is named by a test of that command", (command, flag) => {
    const quotedFlag = new RegExp(`["'\`]${flag}["'\` ]`);
    const quotedCommand = command === undefined ? /./ : new RegExp(`["'\`]${command}["'\` ]`);
    const files = TESTS.filter((t) => quotedFlag.test(t.text) && quotedCommand.test(t.text)).map((t) => t.path);
    expect(files, `no test runs ${command ?? ""} ${flag}`).not.toEqual([]);
  });

  it.each(documentedKeys())("config key %s is named by a test", (key) => {
    // As a TOML key (also after a "\\n" in a template string) or in an environment variable name.
    const word = new RegExp(`(?<![a-z0-9])${key}(?![a-z0-9_])|(?<![A-Z0-9])${key.toUpperCase()}(?![A-Z0-9_])`);
    expect(TESTS.filter((t) => word.test(t.text)).map((t) => t.path), `no test sets ${key}`).not.toEqual([]);
  });

  it("documents every option the program declares", () => {
    const program = createProgram({ stdout: () => {}, stderr: () => {}, isInteractive: false, env: {}, cwd: ROOT }, "0.0.0");
    const documented = new Set(documentedFlags().map(([command, flag]) => `${command ?? ""} ${flag}`));
    const declared = [
      ...program.options.map((o) => ` ${o.long}`),
      ...program.commands.flatMap((c) => c.options.map((o) => `${c.name()} ${o.long}`)),
    ].filter((f) => !/ --(version|help)$/.test(f));
    expect(declared.filter((f) => !documented.has(f))).toEqual([]);
  });
});
