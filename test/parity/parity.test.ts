/**
 * The parity tier: every case of the corpus goes through dlt 1.31 (in a throwaway venv, duckdb
 * destination, Parquet files) and through `dlt-athena run --local`, and the results are compared
 * table by table. Prints the agreement table and `parity: N/M cases agree`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../support/cli.js";
import { LocalProject } from "../support/local-project.js";
import { CASES } from "./cases.js";
import { compareCase, dltSchemaShape, renderReport, type CaseComparison, type SideResult } from "./compare.js";
import { DELIBERATE, OPEN } from "./differences.js";
import { ensureVenv, PARITY_DIR } from "./venv.js";

const project = new LocalProject();
const results = new Map<string, CaseComparison>();
const expectedToDiffer = new Map<string, string>([
  ...Object.keys(DELIBERATE).map((k) => [k, "deliberate"] as const),
  ...Object.keys(OPEN).map((k) => [k, "open"] as const),
]);

function exec(command: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, CI: "true", ...options.env } });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.on("error", reject);
    child.on("close", (status) => (status === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")} exited ${String(status)}:\n${out.slice(-4000)}`))));
  });
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Our stored schema (camelCase or dlt's snake_case keys) → the comparable shape. */
function ourSchemaShape(stored: Record<string, unknown> | undefined): SideResult["schema"] {
  const tables = (stored?.tables ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(
    Object.entries(tables).map(([name, t]) => {
      const columns = (t.columns ?? {}) as Record<string, Record<string, unknown>>;
      return [
        name,
        {
          ...(typeof t.parent === "string" ? { parent: t.parent } : {}),
          columns: Object.fromEntries(
            Object.entries(columns).map(([c, attrs]) => [c, Object.fromEntries(Object.entries(attrs).map(([k, v]) => [snake(k), v]))]),
          ),
        },
      ];
    }),
  );
}

function ourStoredSchema(pipelineName: string): Record<string, unknown> | undefined {
  const dir = join(project.pipelinesDir, pipelineName, "schemas");
  if (!existsSync(dir)) return undefined;
  const file = readdirSync(dir).find((f) => f.endsWith(".schema.json"));
  return file === undefined ? undefined : (JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, unknown>);
}

beforeAll(async () => {
  const python = await ensureVenv();
  project.create({ "runner.ts": readFileSync(join(PARITY_DIR, "runner.ts"), "utf8") });
  const work = join(project.root, "parity");
  mkdirSync(work, { recursive: true });
  const casesPath = join(work, "cases.json");
  writeFileSync(casesPath, JSON.stringify(CASES));
  const dltOut = join(work, "dlt.json");
  const ourOut = join(work, "ours.json");
  const dltSide = exec(python, [join(PARITY_DIR, "dlt_side.py"), "run", casesPath, join(work, "dlt"), dltOut]);
  const ourSide = (async () => {
    const runs = Math.max(...CASES.map((c) => c.runs.length));
    for (let run = 0; run < runs; run++) {
      await exec(process.execPath, [BIN, "run", "runner.ts", "--local"], {
        cwd: project.dir,
        env: { ...project.env, PARITY_CASES: casesPath, PARITY_RUN: String(run), PARITY_OUT: ourOut },
      });
    }
  })();
  await Promise.all([dltSide, ourSide]);
  const outcomes = JSON.parse(readFileSync(ourOut, "utf8")) as Record<string, SideResult["outcomes"]>;
  const schemas = new Map(CASES.map((c) => [c.name, ourStoredSchema(`p_${c.name}`)]));
  const spec = Object.fromEntries(
    CASES.map((c) => {
      const tables = (schemas.get(c.name)?.tables ?? {}) as Record<string, { columns: Record<string, Record<string, unknown>> }>;
      const json = Object.fromEntries(
        Object.entries(tables).map(([t, table]) => [t, Object.values(table.columns).filter((col) => (col.dataType ?? col.data_type) === "json").map((col) => col.name)]),
      );
      return [`d_${c.name}`, json];
    }),
  );
  const specPath = join(work, "dump-spec.json");
  writeFileSync(specPath, JSON.stringify(spec));
  const dumpPath = join(work, "ours-dump.json");
  const database = join(project.dir, ".dlt", "local", "athena.duckdb");
  await exec(python, [join(PARITY_DIR, "dlt_side.py"), "dump", database, "awsdatacatalog", specPath, dumpPath]);
  const dumps = JSON.parse(readFileSync(dumpPath, "utf8")) as Record<string, SideResult["tables"]>;
  const dlt = JSON.parse(readFileSync(dltOut, "utf8")) as Record<string, { outcomes: SideResult["outcomes"]; schema: unknown; tables: SideResult["tables"] }>;
  for (const c of CASES) {
    const theirs = dlt[c.name]!;
    results.set(
      c.name,
      compareCase(
        c.name,
        c.covers,
        { outcomes: theirs.outcomes, schema: dltSchemaShape(theirs.schema), tables: theirs.tables },
        { outcomes: outcomes[c.name] ?? [], schema: ourSchemaShape(schemas.get(c.name)), tables: dumps[`d_${c.name}`] ?? {} },
      ),
    );
  }
  const report = renderReport([...results.values()], expectedToDiffer);
  mkdirSync(".reports", { recursive: true });
  writeFileSync(join(".reports", "parity-agreement.txt"), `${report}\n`);
  writeFileSync(join(".reports", "parity-agreement.json"), JSON.stringify([...results.values()], null, 2));
  process.stdout.write(`\n${report}\n`);
}, 1_800_000);

afterAll(() => project.cleanup());

describe("parity with dlt 1.31", () => {
  it("has at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of CASES) {
    const listed = expectedToDiffer.get(c.name);
    if (listed === undefined) {
      it(`${c.name} agrees with dlt`, () => {
        const result = results.get(c.name)!;
        expect(result.differences, c.name).toEqual([]);
        expect(result.agree).toBe(true);
      });
    } else {
      it(`${c.name} differs from dlt (${listed}; see test/parity/differences.ts)`, () => {
        // A listed case that starts to agree must be taken off the list.
        expect(results.get(c.name)!.agree, `${c.name} agrees now: remove it from differences.ts`).toBe(false);
      });
    }
  }
});
