/**
 * Trino for the sandbox, from Maven Central only: the server tarball and the Hive and Iceberg
 * plugin zips are fetched with `mvn dependency:get` into the local Maven repository (~/.m2, or
 * `maven.repo.local`), then extracted once into a gitignored cache folder. Later starts reuse
 * the extracted copy. Java 25 (Trino 476's minimum) is looked up, never downloaded.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const TRINO_VERSION = "476";
const ARTIFACTS = [
  { id: "trino-server-core", type: "tar.gz" },
  { id: "trino-hive", type: "zip" },
  { id: "trino-iceberg", type: "zip" },
] as const;

/** The repository root (this file lives in `<root>/sandbox/`). */
export const REPO_ROOT = resolve(new URL("..", import.meta.url).pathname);

/** Where extracted tools live: `DLT_ATHENA_SANDBOX_CACHE`, else `<repo>/.cache/sandbox`. */
export function cacheDir(): string {
  return process.env["DLT_ATHENA_SANDBOX_CACHE"] ?? join(REPO_ROOT, ".cache", "sandbox");
}

/**
 * A Java 25+ home: `DLT_ATHENA_JAVA_HOME`, then `JAVA_HOME` if it is 25+, then the Temurin 25
 * package path. Throws naming what was tried when none is found.
 */
export async function findJava25(): Promise<string> {
  const candidates = [
    process.env["DLT_ATHENA_JAVA_HOME"],
    process.env["JAVA_HOME"],
    "/usr/lib/jvm/temurin-25-jdk-amd64",
    "/usr/lib/jvm/temurin-25-jdk-arm64",
    "/usr/lib/jvm/java-25-openjdk-amd64",
  ].filter((c): c is string => c !== undefined && c !== "");
  for (const home of candidates) {
    const java = join(home, "bin", "java");
    if (!existsSync(java)) continue;
    const { stderr } = await run(java, ["-version"]).catch(() => ({ stderr: "" }));
    const major = Number(/version "(\d+)/.exec(stderr)?.[1] ?? 0);
    if (major >= 25) return home;
  }
  throw new Error(
    `Trino ${TRINO_VERSION} needs Java 25 or newer; none found (tried ${candidates.join(", ")}). ` +
      "Install Temurin 25 (apt package temurin-25-jdk) or set DLT_ATHENA_JAVA_HOME.",
  );
}

/**
 * The extracted Trino server folder (with `plugin/hive` and `plugin/iceberg`), fetching and
 * extracting on first use. `log` receives progress lines.
 */
export async function ensureTrino(log: (line: string) => void = () => undefined): Promise<string> {
  const home = join(cacheDir(), `trino-server-${TRINO_VERSION}`);
  if (existsSync(join(home, ".complete"))) return home;
  const repo = mavenRepo();
  const files: string[] = [];
  for (const artifact of ARTIFACTS) {
    const file = join(repo, "io", "trino", artifact.id, TRINO_VERSION, `${artifact.id}-${TRINO_VERSION}.${artifact.type}`);
    if (!existsSync(file)) {
      log(`fetching io.trino:${artifact.id}:${TRINO_VERSION}:${artifact.type} from Maven Central`);
      await run("mvn", ["-q", "-B", "dependency:get", `-Dartifact=io.trino:${artifact.id}:${TRINO_VERSION}:${artifact.type}`, "-Dtransitive=false", `-Dmaven.repo.local=${repo}`], {
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: unknown) => {
        throw new Error(`mvn could not fetch io.trino:${artifact.id}:${TRINO_VERSION}:${artifact.type}: ${errorText(error)}`);
      });
      if (!existsSync(file)) throw new Error(`mvn reported success but ${file} is missing`);
    }
    files.push(file);
  }
  log(`extracting Trino ${TRINO_VERSION} into ${home}`);
  const partial = `${home}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(join(partial, "plugin"), { recursive: true });
  await run("tar", ["-xzf", files[0]!, "-C", partial, "--strip-components=1"]);
  for (const zip of files.slice(1)) await unzip(zip, join(partial, "plugin"));
  // The plugin zips hold one folder each (trino-hive-476/ …); the server finds plugins by folder.
  for (const name of await readdir(join(partial, "plugin"))) {
    const m = /^trino-(hive|iceberg)-\d+$/.exec(name);
    if (m) await rename(join(partial, "plugin", name), join(partial, "plugin", m[1]!));
  }
  await writeFile(join(partial, ".complete"), `${TRINO_VERSION}\n`);
  await rm(home, { recursive: true, force: true });
  await rename(partial, home);
  return home;
}

/** `unzip` when installed, else Python's zipfile module (both keep the plugin folder layout). */
async function unzip(zip: string, into: string): Promise<void> {
  try {
    await run("unzip", ["-q", "-o", zip, "-d", into]);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ENOENT") throw error;
    await run("python3", ["-m", "zipfile", "-e", zip, into]);
  }
}

/** The local Maven repository: `DLT_ATHENA_MAVEN_REPO`, else ~/.m2/repository (passed to mvn too). */
function mavenRepo(): string {
  return process.env["DLT_ATHENA_MAVEN_REPO"] ?? join(homedir(), ".m2", "repository");
}

function errorText(error: unknown): string {
  const e = error as { stderr?: string; stdout?: string; message?: string };
  return (e.stderr || e.stdout || e.message || String(error)).trim().split("\n").slice(-5).join("\n");
}
