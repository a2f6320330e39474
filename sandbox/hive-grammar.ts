/**
 * The sandbox translates Hive DDL into Trino's, which could hide a statement Athena's Hive parser
 * would reject. {@link checkHiveGrammar} parses statements with an independent grammar: sqlglot's
 * athena dialect, pinned, in a throwaway venv under the sandbox cache (created on first use from
 * PyPI with the system python3).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, cacheDir } from "./artifacts.js";

const run = promisify(execFile);

export const SQLGLOT_VERSION = "30.30.0";

/** The venv's python, creating the venv and installing the pinned sqlglot when missing. */
export async function ensureSqlglot(): Promise<string> {
  const venv = join(cacheDir(), `sqlglot-${SQLGLOT_VERSION}`);
  const python = join(venv, "bin", "python");
  if (existsSync(join(venv, ".complete"))) return python;
  await run("python3", ["-m", "venv", "--clear", venv]).catch((error: unknown) => {
    throw new Error(`python3 -m venv failed (python3 with venv is needed for the DDL grammar check): ${String(error)}`);
  });
  await run(join(venv, "bin", "pip"), ["install", "-q", "--disable-pip-version-check", `sqlglot==${SQLGLOT_VERSION}`], { maxBuffer: 16 << 20 });
  await run("touch", [join(venv, ".complete")]);
  return python;
}

/** For each statement: `undefined` when the Hive grammar accepts it, else the parse error. */
export async function checkHiveGrammar(statements: readonly string[]): Promise<(string | undefined)[]> {
  if (statements.length === 0) return [];
  const python = await ensureSqlglot();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(python, [join(REPO_ROOT, "sandbox", "hive_grammar.py")], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`hive_grammar.py exited ${code}: ${stderr}`))));
    child.stdin.end(JSON.stringify(statements));
  });
  return (JSON.parse(output) as (string | null)[]).map((e) => e ?? undefined);
}
