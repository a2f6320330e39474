/**
 * The throwaway virtual environment of the parity tier (`.venv-parity/`, gitignored), created
 * from `requirements.txt` (dlt pinned) on first use and re-created when the requirements change.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PARITY_DIR = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(PARITY_DIR, "..", "..");
export const VENV = process.env.PARITY_VENV ?? join(ROOT, ".venv-parity");

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("close", (status) => (status === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${String(status)}`))));
  });
}

/** The venv's python, after installing the pinned requirements if they changed. */
export async function ensureVenv(): Promise<string> {
  const requirements = join(PARITY_DIR, "requirements.txt");
  const digest = createHash("sha256").update(readFileSync(requirements)).digest("hex");
  const marker = join(VENV, ".requirements-sha256");
  const python = join(VENV, "bin", "python");
  if (existsSync(marker) && readFileSync(marker, "utf8") === digest && existsSync(python)) return python;
  process.stderr.write(`parity: installing ${requirements} into ${VENV}\n`);
  rmSync(VENV, { recursive: true, force: true });
  await run(process.env.PYTHON ?? "python3", ["-m", "venv", VENV]);
  await run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements]);
  writeFileSync(marker, digest);
  return python;
}
