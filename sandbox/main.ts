/**
 * `npm run sandbox`: starts the sandbox, prints one JSON line `{"env": {...}}` on stdout with the
 * DESTINATION__… variables that point a project at it (progress goes to stderr), and runs until
 * SIGINT/SIGTERM (or stdin closing when it is a pipe), then stops everything it started.
 *
 *   eval "$(npm run -s sandbox | head -1 | node -e '…')"   # or copy the variables by hand
 */
import { startSandbox } from "./sandbox.js";

const sandbox = await startSandbox({ log: (line) => process.stderr.write(`sandbox: ${line}\n`) }).catch((error: unknown) => {
  process.stderr.write(`sandbox: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
process.stdout.write(`${JSON.stringify({ env: sandbox.env, trino: sandbox.trinoUrl, statements: sandbox.statementLog })}\n`);
process.stderr.write("sandbox: ready; Ctrl-C stops it\n");

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`sandbox: ${signal}, stopping\n`);
  await sandbox.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGHUP", () => void stop("SIGHUP"));
setInterval(() => undefined, 1 << 30);
