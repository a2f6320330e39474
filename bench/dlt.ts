/**
 * Runs dlt itself on the same records, in a throwaway virtual environment (created once in the
 * temp folder, reused by later runs). Returns undefined when Python or the packages are not
 * available, so the rest of the bench still runs.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const VENV = join(tmpdir(), "dlt-athena-bench-venv");
const SCRIPT = fileURLToPath(new URL("./dlt_normalize.py", import.meta.url));

export interface DltFigure {
  readonly rows: number;
  readonly seconds: number;
  readonly bytes: number;
  readonly peakRssMb: number;
  readonly version: string;
}

function python(): string | undefined {
  for (const candidate of ["python3", "python"]) {
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

function ensureVenv(): string | undefined {
  const bin = join(VENV, "bin", "python");
  if (existsSync(join(VENV, ".ready"))) return bin;
  const system = python();
  if (!system) return undefined;
  process.stderr.write(`installing dlt and pyarrow into ${VENV} (once)…\n`);
  execFileSync(system, ["-m", "venv", VENV], { stdio: "inherit" });
  execFileSync(bin, ["-m", "pip", "install", "--quiet", "dlt[parquet]", "pyarrow"], { stdio: "inherit" });
  execFileSync("touch", [join(VENV, ".ready")]);
  return bin;
}

export function runDlt(kind: "flat" | "nested", rows: number): DltFigure | undefined {
  let bin: string | undefined;
  try {
    bin = ensureVenv();
  } catch (error) {
    process.stderr.write(`dlt unavailable: ${(error as Error).message}\n`);
    return undefined;
  }
  if (!bin) return undefined;
  const work = mkdtempSync(join(tmpdir(), "dlt-athena-bench-dlt-"));
  try {
    const output = execFileSync(bin, [SCRIPT, kind, String(rows), work], { encoding: "utf8", maxBuffer: 1 << 20 });
    const version = execFileSync(bin, ["-c", "import dlt; print(dlt.__version__)"], { encoding: "utf8" }).trim();
    return { ...(JSON.parse(output.trim().split("\n").pop()!) as Omit<DltFigure, "version">), version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
