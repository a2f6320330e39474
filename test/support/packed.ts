import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./project.js";
import { writeFiles } from "./temp.js";

type Env = Record<string, string | undefined>;

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Packs this checkout with `npm pack` (dist/ is built by `pretest`) into `dir` and returns the
 * tarball's path: what a user gets from a checkout, or from the registry.
 */
export function packTarball(dir: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: REPO_ROOT, stdio: "pipe" });
  const tarball = readdirSync(dir).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return join(dir, tarball);
}

/** A fresh folder with `npm init -y` run in it and the tarball installed, as a user would do it. */
export function userProject(dir: string, tarball: string, options: { type?: "module"; files?: Record<string, string> } = {}): string {
  mkdirSync(dir, { recursive: true });
  execFileSync("npm", ["init", "-y"], { cwd: dir, stdio: "pipe" });
  if (options.type) execFileSync("npm", ["pkg", "set", `type=${options.type}`], { cwd: dir, stdio: "pipe" });
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: dir, stdio: "pipe", timeout: 300_000 });
  if (options.files) writeFiles(dir, options.files);
  return dir;
}

/** Runs `npx dlt-athena …` in a project folder. */
export function npx(dir: string, args: readonly string[], env: Env = {}): CommandResult {
  const result = spawnSync("npx", ["--no-install", "dlt-athena", ...args], {
    cwd: dir,
    env: { ...process.env, CI: "true", ...env },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command in a folder. */
export function exec(dir: string, command: string, args: readonly string[], env: Env = {}): CommandResult {
  const result = spawnSync(command, args, { cwd: dir, env: { ...process.env, CI: "true", ...env }, encoding: "utf8", timeout: 180_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function removePackageJson(dir: string): void {
  rmSync(join(dir, "package.json"));
  rmSync(join(dir, "package-lock.json"), { force: true });
}
