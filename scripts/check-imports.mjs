// Lint: relative imports in src/, test/ and bench/ end in ".js" (Node ESM resolution needs it).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const roots = ["src", "test", "bench", "examples"];
const bad = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith(".ts")) check(path);
  }
}
function check(path) {
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, i) => {
    const match = line.match(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/);
    if (match && !match[1].endsWith(".js") && !match[1].endsWith(".json")) bad.push(`${path}:${i + 1}: ${match[1]}`);
  });
}
for (const root of roots) {
  try {
    walk(root);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
}
if (bad.length) {
  console.error(`relative imports must end in .js:\n${bad.join("\n")}`);
  process.exit(1);
}
