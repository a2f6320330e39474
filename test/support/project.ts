import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Makes `import "dlt-athena"` in a project folder resolve to this checkout (built into dist/). */
export function linkPackage(project: string): void {
  mkdirSync(join(project, "node_modules"), { recursive: true });
  symlinkSync(REPO_ROOT, join(project, "node_modules", "dlt-athena"), "dir");
}
