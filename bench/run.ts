/**
 * `npm run bench`: dlt-athena side by side with its peers, in one script.
 *
 * - Every case writes its NDJSON input once (bench/inputs.ts), before any clock starts; every
 *   peer of the case reads that same file.
 * - Each peer is a fresh process (process start included), timed from spawn to exit, with its peak
 *   RSS from GNU time (`/usr/bin/time`, Debian package `time`).
 * - The peers of a case alternate (A B C, then C B A, …) and each figure is the median of the
 *   runs (3 by default), so load from other processes on the machine hits all peers alike.
 *
 * Peers: `dlt-athena run --local` (bench/peers/pipeline.ts); dlt, pinned (bench/peers/dlt_peer.py,
 * in a throwaway venv under .cache/bench/, pages of 1,000, filesystem/Parquet, and DuckDB for
 * the many-tables case); DuckDB's read_json → Parquet COPY as the limit; a parse-only floor.
 *
 *   npm run bench                         # every case at full size (tens of minutes)
 *   npm run bench -- --quick              # every case at a tenth of the size
 *   npm run bench -- --case flat,tables   # some cases; --runs 5; --no-dlt
 *
 * Cases: flat, nested, wide, tables, big, startup, upload.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { inputFile } from "./inputs.js";
import type { Shape } from "./inputs.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CACHE = join(ROOT, ".cache", "bench");
const BIN = join(ROOT, "bin", "dlt-athena.js");
const PEERS = join(ROOT, "bench", "peers");
const GNU_TIME = "/usr/bin/time";
/** The dlt release the bench compares with (installed into the venv on first use). */
export const DLT_VERSION = "1.31.0";

interface Options {
  readonly quick: boolean;
  readonly runs: number;
  readonly cases: readonly string[] | undefined;
  readonly withDlt: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  let quick = false;
  let runs = 3;
  let cases: string[] | undefined;
  let withDlt = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--no-dlt") withDlt = false;
    else if (arg === "--runs") runs = Number(argv[++i]);
    else if (arg === "--case") cases = (argv[++i] ?? "").split(",").filter(Boolean);
    else throw new Error(`unknown bench option ${arg} (use --quick, --case a,b, --runs N, --no-dlt)`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a positive integer");
  return { quick, runs, cases, withDlt };
}

/** One timed process. */
interface Sample {
  readonly seconds: number;
  readonly peakRssMb: number | undefined;
  readonly cpuSeconds: number | undefined;
  readonly stdout: string;
}

interface Command {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

function timed(command: Command): Sample {
  const useTime = existsSync(GNU_TIME);
  const stats = join(mkdtempSync(join(tmpdir(), "dlt-athena-bench-time-")), "stats");
  const [file, args] = useTime
    ? [GNU_TIME, ["-f", "%M %U %S", "-o", stats, command.file, ...command.args]]
    : [command.file, [...command.args]];
  const started = performance.now();
  const result = spawnSync(file, args, {
    cwd: command.cwd,
    env: { ...process.env, ...command.env },
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`${command.file} ${command.args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stderr.slice(-4000)}`);
  }
  let peakRssMb: number | undefined;
  let cpuSeconds: number | undefined;
  if (useTime) {
    const [kb, user, system] = readFileSync(stats, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    peakRssMb = kb! / 1024;
    cpuSeconds = user! + system!;
  }
  rmSync(join(stats, ".."), { recursive: true, force: true });
  return { seconds, peakRssMb, cpuSeconds, stdout: result.stdout };
}

/** A peer of a case: how to run it once in a fresh work folder, and how to count what it wrote. */
interface Peer {
  readonly name: string;
  readonly command: (work: string) => Command;
  /** Rows the run reports (all data tables), to check every peer did the whole job. */
  readonly rows?: (stdout: string) => number;
  /** Athena-dialect queries the load ran (dlt-athena only). */
  readonly queries?: (stdout: string) => number;
}

interface PeerResult {
  readonly peer: Peer;
  readonly samples: Sample[];
}

interface CaseSpec {
  readonly name: string;
  readonly title: string;
  readonly peers: readonly Peer[];
  /** Writes the case's assertions about its figures (targets), one line each. */
  readonly targets?: (results: ReadonlyMap<string, PeerResult>) => string[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function medianOf(result: PeerResult, pick: (s: Sample) => number | undefined): number | undefined {
  const values = result.samples.map(pick).filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : median(values);
}

// ---------------------------------------------------------------------------------------------
// Peers

function ourProject(work: string): string {
  const dir = join(work, "project");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  return dir;
}

const ourEnv = (dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  CI: "true",
  PIPELINE__PIPELINES_DIR: join(dir, "pipelines"),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  ...extra,
});

interface LoadJson {
  loads: { tables: { name: string; rows: number }[]; queries: { count: number } }[];
}

function ourRows(stdout: string): number {
  const json = JSON.parse(stdout) as LoadJson;
  return json.loads.flatMap((l) => l.tables).filter((t) => !t.name.startsWith("_dlt")).reduce((n, t) => n + t.rows, 0);
}

function ourQueries(stdout: string): number {
  return (JSON.parse(stdout) as LoadJson).loads.reduce((n, l) => n + l.queries.count, 0);
}

interface DataSpec {
  readonly input: string;
  readonly table: string;
  readonly tableField?: string;
  readonly decimal?: string;
}

function dltAthenaPeer(data: DataSpec): Peer {
  return {
    name: "dlt-athena run --local",
    command: (work) => {
      const dir = ourProject(work);
      return {
        file: process.execPath,
        args: [BIN, "run", join(PEERS, "pipeline.ts"), "--local", "--json"],
        cwd: dir,
        env: ourEnv(dir, {
          BENCH_INPUT: data.input,
          BENCH_TABLE: data.table,
          ...(data.tableField ? { BENCH_TABLE_FIELD: data.tableField } : {}),
          ...(data.decimal ? { BENCH_DECIMAL: data.decimal } : {}),
        }),
      };
    },
    rows: ourRows,
    queries: ourQueries,
  };
}

function dltPeer(python: string, data: DataSpec, destination: "filesystem" | "duckdb"): Peer {
  return {
    name: `dlt ${DLT_VERSION} → ${destination === "filesystem" ? "filesystem (Parquet)" : "duckdb"}`,
    command: (work) => ({
      file: python,
      args: [join(PEERS, "dlt_peer.py"), data.input, work, destination, data.table, data.tableField ?? "", data.decimal ?? ""],
      env: { DLT_DATA_DIR: join(work, "dlt-data") },
    }),
    rows: (stdout) => (JSON.parse(stdout.trim().split("\n").pop()!) as { rows: number }).rows,
  };
}

function duckdbPeer(input: string): Peer {
  return {
    name: "DuckDB read_json → Parquet COPY (the limit)",
    command: (work) => ({ file: process.execPath, args: [join(PEERS, "duckdb-copy.mjs"), input, work] }),
  };
}

function floorPeer(input: string): Peer {
  return {
    name: "parse-only floor (read + JSON.parse)",
    command: () => ({ file: process.execPath, args: [join(PEERS, "parse-floor.mjs"), input] }),
  };
}

// ---------------------------------------------------------------------------------------------
// The dlt venv

function ensureDlt(): string | undefined {
  const venv = join(CACHE, "venv");
  const python = join(venv, "bin", "python");
  const marker = join(venv, `.dlt-${DLT_VERSION}`);
  if (existsSync(marker)) return python;
  const system = ["python3", "python"].find((name) => spawnSync(name, ["--version"], { stdio: "ignore" }).status === 0);
  if (!system) {
    process.stderr.write("python3 not found: dlt peers are skipped\n");
    return undefined;
  }
  process.stderr.write(`installing dlt ${DLT_VERSION} into ${venv} (once)…\n`);
  mkdirSync(CACHE, { recursive: true });
  const steps: [string, string[]][] = [
    [system, ["-m", "venv", venv]],
    [python, ["-m", "pip", "install", "--quiet", `dlt[parquet,duckdb]==${DLT_VERSION}`]],
  ];
  for (const [file, args] of steps) {
    if (spawnSync(file, args, { stdio: "inherit" }).status !== 0) {
      process.stderr.write("could not install dlt: dlt peers are skipped\n");
      return undefined;
    }
  }
  writeFileSync(marker, "");
  return python;
}

// ---------------------------------------------------------------------------------------------
// Cases

const fmtSeconds = (s: number | undefined): string => (s === undefined ? "n/a" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);
const fmtMb = (mb: number | undefined): string => (mb === undefined ? "n/a" : `${Math.round(mb)} MB`);
const check = (ok: boolean): string => (ok ? "met" : "NOT met");

function secondsOf(results: ReadonlyMap<string, PeerResult>, prefix: string): number | undefined {
  const result = [...results.values()].find((r) => r.peer.name.startsWith(prefix));
  return result ? medianOf(result, (s) => s.seconds) : undefined;
}

function rssOf(results: ReadonlyMap<string, PeerResult>, prefix: string): number | undefined {
  const result = [...results.values()].find((r) => r.peer.name.startsWith(prefix));
  return result ? medianOf(result, (s) => s.peakRssMb) : undefined;
}

/** `≤ 4× DuckDB's COPY` and `≥ 6× faster than dlt` for the flat and nested cases. */
function speedTargets(results: ReadonlyMap<string, PeerResult>): string[] {
  const ours = secondsOf(results, "dlt-athena");
  const duck = secondsOf(results, "DuckDB");
  const dlt = secondsOf(results, "dlt ");
  const lines: string[] = [];
  if (ours !== undefined && duck !== undefined) lines.push(`target ≤ 4× DuckDB's COPY: ${(ours / duck).toFixed(2)}× (${check(ours / duck <= 4)})`);
  if (ours !== undefined && dlt !== undefined) lines.push(`target ≥ 6× faster than dlt: ${(dlt / ours).toFixed(2)}× (${check(dlt / ours >= 6)})`);
  return lines;
}

function rssTarget(limitMb: number) {
  return (results: ReadonlyMap<string, PeerResult>): string[] => {
    const rss = rssOf(results, "dlt-athena");
    return rss === undefined ? [] : [`target peak RSS ≤ ${limitMb} MB: ${fmtMb(rss)} (${check(rss <= limitMb)})`];
  };
}

async function buildCases(options: Options): Promise<CaseSpec[]> {
  const scale = options.quick ? 0.1 : 1;
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  const python = options.withDlt ? ensureDlt() : undefined;
  const want = (name: string) => options.cases === undefined || options.cases.includes(name);
  const cases: CaseSpec[] = [];
  const input = (shape: Shape, count: number, tables?: number) => inputFile(CACHE, shape, count, tables);

  const standard = (data: DataSpec, withDlt = true): Peer[] => [
    dltAthenaPeer(data),
    ...(python && withDlt ? [dltPeer(python, data, "filesystem")] : []),
    duckdbPeer(data.input),
    floorPeer(data.input),
  ];

  if (want("flat")) {
    const rows = n(1_000_000);
    const data = { input: await input("flat", rows), table: "flat", decimal: "amount" };
    cases.push({ name: "flat", title: `${rows.toLocaleString("en")} flat rows (10 mixed columns)`, peers: standard(data), targets: speedTargets });
  }
  if (want("nested")) {
    const records = n(200_000);
    const data = { input: await input("nested", records), table: "nested" };
    cases.push({
      name: "nested",
      title: `${records.toLocaleString("en")} nested records (an object and a list of 5 objects: ${(records * 6).toLocaleString("en")} rows)`,
      peers: standard(data),
      targets: speedTargets,
    });
  }
  if (want("wide")) {
    const rows = n(100_000);
    const data = { input: await input("wide", rows), table: "wide" };
    cases.push({ name: "wide", title: `200 columns × ${rows.toLocaleString("en")} rows`, peers: standard(data), targets: rssTarget(400) });
  }
  if (want("tables")) {
    for (const tables of [200, 1]) {
      const data = { input: await input("tables", tables * 10, tables), table: "tables", tableField: "table" };
      const peers: Peer[] = [
        dltAthenaPeer(data),
        ...(python ? [dltPeer(python, data, "duckdb"), dltPeer(python, data, "filesystem")] : []),
      ];
      cases.push({
        name: tables === 1 ? "tables-1" : "tables",
        title: `${tables} table${tables === 1 ? "" : "s"} × 10 rows, one run`,
        peers,
        targets: (results) => {
          const ours = secondsOf(results, "dlt-athena");
          const dltDuck = secondsOf(results, `dlt ${DLT_VERSION} → duckdb`);
          const lines = tables === 1 ? [] : rssTarget(300)(results);
          if (tables > 1 && ours !== undefined && dltDuck !== undefined) {
            lines.push(`target no slower than dlt → duckdb: ${(ours / dltDuck).toFixed(2)}× its time (${check(ours <= dltDuck)})`);
          }
          return lines;
        },
      });
    }
  }
  if (want("big")) {
    const rows = n(3_000_000);
    const data = { input: await input("flat", rows), table: "flat", decimal: "amount" };
    cases.push({ name: "big", title: `${rows.toLocaleString("en")} flat rows (memory bound)`, peers: standard(data, false), targets: rssTarget(400) });
  }
  if (want("startup")) {
    cases.push(startupCase());
  }
  return cases;
}

/** `--help` and `run --dry-run` of a one-row script: process start, imports, the dry-run path. */
function startupCase(): CaseSpec {
  return {
    name: "startup",
    title: "start-up: `--help`, and `run --dry-run` of a one-row script",
    peers: [
      { name: "node -e '' (process start)", command: () => ({ file: process.execPath, args: ["-e", ""] }) },
      { name: "dlt-athena --help", command: () => ({ file: process.execPath, args: [BIN, "--help"] }) },
      {
        name: "dlt-athena run --dry-run",
        command: (work) => {
          const dir = ourProject(work);
          return { file: process.execPath, args: [BIN, "run", join(PEERS, "trivial.ts"), "--dry-run"], cwd: dir, env: ourEnv(dir) };
        },
      },
    ],
    targets: (results) => {
      const help = secondsOf(results, "dlt-athena --help");
      const dry = secondsOf(results, "dlt-athena run --dry-run");
      return [
        ...(help === undefined ? [] : [`target --help < 300 ms: ${fmtSeconds(help)} (${check(help < 0.3)})`]),
        ...(dry === undefined ? [] : [`target run --dry-run ≤ 500 ms: ${fmtSeconds(dry)} (${check(dry <= 0.5)})`]),
      ];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Running and printing

function runCase(spec: CaseSpec, runs: number): Map<string, PeerResult> {
  const results = new Map<string, PeerResult>(spec.peers.map((peer) => [peer.name, { peer, samples: [] }]));
  for (let round = 0; round < runs; round++) {
    const order = round % 2 === 0 ? spec.peers : [...spec.peers].reverse();
    for (const peer of order) {
      const work = mkdtempSync(join(tmpdir(), `dlt-athena-bench-${spec.name}-`));
      try {
        process.stderr.write(`  ${spec.name} round ${round + 1}/${runs}: ${peer.name}…`);
        const sample = timed(peer.command(work));
        process.stderr.write(` ${fmtSeconds(sample.seconds)}, ${fmtMb(sample.peakRssMb)}\n`);
        results.get(peer.name)!.samples.push(sample);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  }
  return results;
}

function printCase(spec: CaseSpec, results: ReadonlyMap<string, PeerResult>): void {
  const ours = [...results.values()].find((r) => r.peer.name.startsWith("dlt-athena"));
  const oursSeconds = ours ? medianOf(ours, (s) => s.seconds) : undefined;
  console.log(`\n### ${spec.title}\n`);
  console.log("| peer | median wall time | peak RSS | CPU time | vs dlt-athena | rows | queries |");
  console.log("|---|---|---|---|---|---|---|");
  for (const result of results.values()) {
    const seconds = medianOf(result, (s) => s.seconds);
    const ratio =
      result === ours || oursSeconds === undefined || seconds === undefined
        ? "—"
        : seconds >= oursSeconds
          ? `${(seconds / oursSeconds).toFixed(2)}× slower`
          : `${(oursSeconds / seconds).toFixed(2)}× faster`;
    const rows = result.peer.rows ? String(result.peer.rows(result.samples.at(-1)!.stdout)) : "";
    const queries = result.peer.queries ? String(result.peer.queries(result.samples.at(-1)!.stdout)) : "";
    console.log(
      `| ${result.peer.name} | ${fmtSeconds(seconds)} | ${fmtMb(medianOf(result, (s) => s.peakRssMb))} | ` +
        `${fmtSeconds(medianOf(result, (s) => s.cpuSeconds))} | ${ratio} | ${rows} | ${queries} |`,
    );
  }
  const counts = [...results.values()].filter((r) => r.peer.rows).map((r) => r.peer.rows!(r.samples.at(-1)!.stdout));
  if (new Set(counts).size > 1) console.log(`\nWARNING: the peers report different row counts (${counts.join(", ")}).`);
  const targets = spec.targets?.(results) ?? [];
  if (targets.length > 0) console.log(`\n${targets.map((t) => `- ${t}`).join("\n")}`);
}

async function benchUploadCase(): Promise<void> {
  const { benchUpload } = await import("./upload.js");
  const { smallFilesMBps, bigFileMBps } = await benchUpload();
  console.log("\n### S3 upload to a local S3-protocol server (s3rver on 127.0.0.1)\n");
  console.log(`- 200 × 1 MiB, 8 in flight: ${smallFilesMBps.toFixed(1)} MiB/s`);
  console.log(`- one 200 MiB file, multipart: ${bigFileMBps.toFixed(1)} MiB/s`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.stderr.write("building dist/…\n");
  if (spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" }).status !== 0) throw new Error("npm run build failed");
  process.stderr.write("preparing inputs (outside the timed region)…\n");
  const cases = await buildCases(options);
  const load = loadavg().map((l) => l.toFixed(1)).join(" ");
  console.log(
    `# dlt-athena bench${options.quick ? " (--quick)" : ""}: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform}; ` +
      `median of ${options.runs}, peers alternating; load average at start ${load}`,
  );
  for (const spec of cases) {
    process.stderr.write(`case ${spec.name}: ${spec.title}\n`);
    printCase(spec, runCase(spec, options.runs));
  }
  if (options.cases?.includes("upload")) await benchUploadCase();
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
}

await main();
