/**
 * The child side of `dlt-athena run`: imported with `node --import` before the user's script.
 * It makes the script loadable whatever its module style (tsx plus our hooks), installs the run
 * host that hands the CLI's flags to every pipeline, and reports results and errors back:
 * results and a fatal error as JSON lines appended to a report file (synchronously, so a script
 * that calls `process.exit` loses nothing), progress over the IPC channel.
 */
import { appendFileSync } from "node:fs";
import { format } from "node:util";
import { maskSecrets } from "../../util/secrets.js";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import Module, { createRequire, register } from "node:module";
import { DltAthenaError, InterruptedError, exitCodeOf } from "../../errors.js";
import { interruptSignal, requestInterrupt } from "../../util/interrupt.js";
import { installRunHost, lineProgress } from "../../pipeline/run-host.js";
import type { ProgressEvent, RunOverrides } from "../../pipeline/run-host.js";
import { HOST_ENV, type HostInput, type ReportLine } from "./protocol.js";

const input = JSON.parse(process.env[HOST_ENV] ?? "{}") as Partial<HostInput>;
delete process.env[HOST_ENV];

function report(line: ReportLine): void {
  if (input.reportFile) appendFileSync(input.reportFile, `${JSON.stringify(line)}\n`);
}

const selfUrl = new URL("../../../package.json", import.meta.url).href;
const { register: registerEsm } = await import("tsx/esm/api");
const { register: registerCjs } = await import("tsx/cjs/api");
registerEsm();
registerCjs();
register(new URL("./hooks.js", import.meta.url), { data: { selfUrl } });
resolveOwnPackageForRequire();
await lendPackageToRequire(input.script);

const send = input.progress && process.send
  ? (event: ProgressEvent) => process.send?.({ kind: "progress", event })
  : input.logProgress ? lineProgress() : undefined;
installRunHost({
  overrides: (input.overrides ?? {}) as RunOverrides,
  ...(send ? { onProgress: send } : {}),
  onLoadInfo: (info) => report({ kind: "load", load: info.toJSON(), text: info.toString() }),
  onDryRun: (plan) => report({ kind: "dry_run", plan }),
});

let hasFailed = false;
function fail(error: unknown): void {
  hasFailed = true;
  const isOurs = error instanceof DltAthenaError;
  report({
    kind: "error",
    error: {
      code: isOurs ? error.code : "script_failed",
      kind: isOurs ? error.kind : "internal",
      message: maskSecrets(error instanceof Error ? error.message : String(error)),
      ...(isOurs ? { meta: error.meta } : {}),
      ...(!isOurs && error instanceof Error && error.stack ? { stack: error.stack } : {}),
    },
  });
  process.exit(exitCodeOf(error));
}
/** What the script logs through `console` passes the secret mask too (a token it prints, an SDK error). */
function maskConsole(): void {
  const methods = ["log", "info", "debug", "warn", "error"] as const;
  for (const method of methods) {
    const write = console[method].bind(console);
    console[method] = (...args: unknown[]) => write(maskSecrets(format(...args)));
  }
}
maskConsole();

process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

// A script that caught the interruption still ends as interrupted.
process.on("exit", () => {
  const signal = interruptSignal();
  if (signal === undefined || hasFailed) return;
  const error = new InterruptedError(signal, "while the script ran");
  report({ kind: "error", error: { code: error.code, kind: error.kind, message: error.message, meta: error.meta } });
  process.exitCode = exitCodeOf(error);
});

/**
 * SIGINT and SIGTERM ask the pipelines to stop at their next safe point; a second signal exits at
 * once, which is safe too: every step is journaled. Ctrl-C on a terminal reaches this process
 * both directly and forwarded by the CLI, so a repeat within a moment counts once.
 */
let firstSignalAt = 0;
function onSignal(signal: "SIGINT" | "SIGTERM"): void {
  const now = Date.now();
  if (interruptSignal() !== undefined) {
    if (now - firstSignalAt < 300) return;
    process.exit(signal === "SIGTERM" ? 143 : 130);
  }
  firstSignalAt = now;
  requestInterrupt(signal);
  process.stderr.write(`\n${signal} received: stopping at the next safe point (send it again to stop at once).\n`);
}
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));

/**
 * With module hooks registered, Node 20 cannot require() an ES module; the package's CommonJS
 * entry (`cjs/index.cjs`) takes the copy the script resolves from here, imported in advance.
 */
async function lendPackageToRequire(script: string | undefined): Promise<void> {
  let entry: string;
  try {
    const shim = createRequire(script ?? join(process.cwd(), "script.js")).resolve("dlt-athena");
    entry = join(dirname(shim), "..", "dist", "index.js");
  } catch {
    return;
  }
  const KEY = Symbol.for("dlt-athena.loaded-modules");
  const lent = ((globalThis as Record<symbol, unknown>)[KEY] ??= {}) as Record<string, unknown>;
  lent[entry] = await import(pathToFileURL(entry).href);
}

/** `require("dlt-athena")` in a CommonJS script finds this package when the project has none. */
function resolveOwnPackageForRequire(): void {
  const self = createRequire(selfUrl);
  const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = loader._resolveFilename;
  loader._resolveFilename = function (request: string, ...rest: unknown[]) {
    try {
      return original.call(this, request, ...rest);
    } catch (error) {
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND" || (request !== "dlt-athena" && !request.startsWith("dlt-athena/"))) throw error;
      return self.resolve(request);
    }
  };
}
