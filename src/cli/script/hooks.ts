/**
 * Module hooks for a pipeline script run by `dlt-athena run`, registered after tsx's (so they
 * run first and wrap them):
 * - a `.ts`/`.js` file that CommonJS cannot express (top-level await) in a CommonJS package, or
 *   in a folder with no package.json, is loaded as an ES module instead of failing;
 * - `dlt-athena` resolves to the package running the script when the script's folder has none
 *   installed (a global install, a script outside any project).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

interface ResolveContext {
  readonly parentURL?: string;
  readonly conditions?: readonly string[];
}
interface LoadContext {
  readonly format?: string | null;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string; format?: string | null }>;
type NextLoad = (url: string, context?: LoadContext) => Promise<{ format: string; source?: unknown }>;

let selfUrl: string | undefined;

export function initialize(data: { readonly selfUrl: string } | undefined): void {
  selfUrl = data?.selfUrl;
}

function isOwnPackage(specifier: string): boolean {
  return specifier === "dlt-athena" || specifier.startsWith("dlt-athena/");
}

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!selfUrl || !isOwnPackage(specifier) || (error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    return nextResolve(specifier, { ...context, parentURL: selfUrl });
  }
}

/** Files whose format follows the package type (not fixed by the extension), and that are the user's. */
const AMBIGUOUS = /\.(?:ts|tsx|js|jsx)$/;

/** esbuild ships with tsx; it tells whether a file can be compiled to CommonJS at all. */
type Esbuild = { transform: (code: string, options: Record<string, unknown>) => Promise<unknown> };
let esbuild: Promise<Esbuild> | undefined;
function loadEsbuild(): Promise<Esbuild> {
  esbuild ??= (async () => {
    const fromTsx = createRequire(createRequire(import.meta.url).resolve("tsx"));
    return (await import(pathToFileURL(fromTsx.resolve("esbuild")).href)) as Esbuild;
  })();
  return esbuild;
}

/** True when the file uses what only an ES module can (top-level await). */
async function needsModule(path: string): Promise<boolean> {
  const code = await readFile(path, "utf8");
  if (!/\bawait\b/.test(code)) return false;
  try {
    const { transform } = await loadEsbuild();
    await transform(code, { loader: path.endsWith("x") ? "tsx" : "ts", format: "cjs", sourcefile: path, logLevel: "silent" });
    return false;
  } catch (error) {
    return /top-level await/i.test(error instanceof Error ? error.message : String(error));
  }
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad) {
  if (context.format === "commonjs" && url.startsWith("file:") && !url.includes("/node_modules/")) {
    const path = fileURLToPath(url);
    if (AMBIGUOUS.test(path) && (await needsModule(path))) return nextLoad(url, { ...context, format: "module" });
  }
  return nextLoad(url, context);
}
