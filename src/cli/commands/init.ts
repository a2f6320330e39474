import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { writeScaffold } from "../../scaffold/scaffold.js";
import type { CliIo } from "../io.js";
import { bold, printJson } from "../output/render.js";

export interface InitOptions {
  readonly dir?: string;
  readonly force?: boolean;
  readonly json?: boolean;
}

/** The root of the package running this command (three levels above dist/cli/commands/). */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * The dependency a new project gets on the package running `init`, so that `npm install` finds
 * it: the version range when it came from the registry, else the tarball it was installed from,
 * else the folder it runs from (a checkout, `npm link`).
 *
 * @example dependencySpec("/usr/lib/node_modules/dlt-athena", "0.1.0") // "^0.1.0" after `npm i -g dlt-athena`
 */
export function dependencySpec(packageRoot: string, version: string): string {
  const marker = `${sep}node_modules${sep}`;
  const at = packageRoot.lastIndexOf(marker);
  if (at >= 0) {
    const installRoot = packageRoot.slice(0, at);
    const entryKey = packageRoot.slice(at + 1).split(sep).join("/");
    for (const lock of [join(installRoot, "node_modules", ".package-lock.json"), join(installRoot, "package-lock.json")]) {
      const resolved = lockedSource(lock, entryKey);
      if (resolved === undefined) continue;
      if (/^https?:/.test(resolved)) return `^${version}`;
      if (resolved.startsWith("file:")) {
        const tarball = resolve(installRoot, resolved.slice("file:".length));
        if (existsSync(tarball)) return `file:${tarball}`;
      }
    }
  }
  return `file:${realpathSync(packageRoot)}`;
}

function lockedSource(lockPath: string, entryKey: string): string | undefined {
  if (!existsSync(lockPath)) return undefined;
  try {
    const lock = JSON.parse(readFileSync(lockPath, "utf8")) as { packages?: Record<string, { resolved?: string }> };
    return lock.packages?.[entryKey]?.resolved;
  } catch {
    return undefined;
  }
}

export function runInit(io: CliIo, source: string, destination: string, options: InitOptions, version: string): void {
  const dependency = dependencySpec(PACKAGE_ROOT, version);
  const result = writeScaffold({
    source,
    destination,
    dir: resolve(io.cwd, options.dir ?? "."),
    force: options.force ?? false,
    packageVersion: dependency,
  });
  const needsInstall = result.files.some((f) => f.path === "package.json" && (f.action === "created" || f.added.includes("dependencies.dlt-athena")));
  const script = result.pipelineScript;
  if (options.json) {
    printJson(io, {
      status: "ok",
      dir: result.dir,
      files: result.written,
      merged: result.files.filter((f) => f.action === "merged").map((f) => ({ path: f.path, added: f.added })),
      unchanged: result.files.filter((f) => f.action === "unchanged").map((f) => f.path),
      pipeline_script: script,
      dependency,
    });
    return;
  }
  const verbs = { created: "created", overwritten: "overwrote", merged: "merged", unchanged: "kept" } as const;
  const offline = result.isChess
    ? [`  Try it offline first (a bundled sample of chess.com responses, the embedded local engine):`, `     SOURCES__CHESS__OFFLINE=true npx dlt-athena run ${script} --local`, `     (or set offline = true under [sources.chess] in .dlt/config.toml)`]
    : [`  Try it on the embedded local engine first: npx dlt-athena run ${script} --local`];
  const lines = [
    `${bold(io, `Your new pipeline ${source}_pipeline is ready`)} in ${result.dir}:`,
    ...result.files.map((f) => `  ${verbs[f.action]} ${f.path}${f.added.length > 0 ? ` (added ${f.added.join(", ")})` : ""}`),
    "",
    "Next steps:",
    ...(needsInstall ? [`  npm install            # installs dlt-athena (${dependency})`] : []),
    ...offline,
    `  Then fill in your AWS staging bucket, query result bucket, region and credentials in .dlt/secrets.toml`,
    `  (or the environment, e.g. DESTINATION__FILESYSTEM__BUCKET_URL), and run: npx dlt-athena run ${script}`,
  ];
  io.stdout(`${lines.join("\n")}\n`);
}
