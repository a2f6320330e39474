// Lint: relative imports in src/, test/ and bench/ end in ".js" (or ".mjs", ".json": Node ESM resolution
// needs the extension),
// and src/ layers point down: cli → pipeline → everything else. Nothing imports src/cli but
// src/cli, and the modules below the pipeline import nothing from src/pipeline.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Top-level folders of src/ that sit below src/pipeline. */
const BELOW_PIPELINE = ["config", "destination", "extract", "normalize", "packages", "schema", "scaffold", "source", "staging", "state", "util", "writers"];
/** The CLI-to-script hand-off; it leaves src/pipeline with its replacement by an explicit one. */
const ALLOWED_UPWARD = new Set(["src/pipeline/run-context.ts"]);

const roots = ["src", "test", "bench", "examples", "sandbox"];
const bad = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith(".ts")) check(path);
  }
}
/** SQL belongs to the planner and the dialects: the CLI runs steps, it writes no SQL text. */
const SQL_TEXT = /\b(SELECT|INSERT INTO|DELETE FROM|DROP (TABLE|VIEW|DATABASE|SCHEMA)|CREATE (EXTERNAL TABLE|TABLE|VIEW|DATABASE|SCHEMA)|ALTER TABLE|UPDATE \S+ SET|MERGE INTO)\b/;
function check(path) {
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (path.startsWith("src/cli/") && SQL_TEXT.test(line)) layers.push(`${path}:${i + 1}: SQL text in the CLI (plan a step instead): ${line.trim()}`);
    const match = line.match(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/);
    if (match && !/\.(js|mjs|json)$/.test(match[1])) bad.push(`${path}:${i + 1}: ${match[1]}`);
    if (match && path.startsWith("src/")) checkLayer(path, i + 1, match[1]);
  });
}
function checkLayer(path, line, specifier) {
  const from = path.split("/")[1];
  const target = relative(".", resolve(dirname(path), specifier)).replace(/\\/g, "/").replace(/\.js$/, ".ts");
  const to = target.split("/")[1];
  if (to === "cli" && from !== "cli") layers.push(`${path}:${line}: src/${from} imports the CLI (${specifier})`);
  if (to === "pipeline" && BELOW_PIPELINE.includes(from) && !ALLOWED_UPWARD.has(target)) {
    layers.push(`${path}:${line}: src/${from} sits below src/pipeline and imports ${specifier}`);
  }
}
const layers = [];
for (const root of roots) {
  try {
    walk(root);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
}
if (bad.length) console.error(`relative imports must end in .js:\n${bad.join("\n")}`);
if (layers.length) console.error(`layers point down (cli → pipeline → the rest):\n${layers.join("\n")}`);
if (bad.length || layers.length) process.exit(1);
