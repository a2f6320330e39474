import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, npx, packTarball, removePackageJson, userProject } from "../support/packed.js";
import { makeTempDir, writeFiles } from "../support/temp.js";

// The way a user meets the tool: `npm init -y` (a CommonJS package), the packed tarball
// installed, pipeline scripts in every module style run with `npx dlt-athena run`.

let root: string;
let cleanup: () => void;
let cjs: string;
let esm: string;
let bare: string;
let env: Record<string, string>;
let tarball: string;

/** A script that loads one row; `extra` runs before the load. */
function loadOne(style: "import" | "require", pipelineName: string): string {
  const head = style === "import" ? `import { pipeline } from "dlt-athena";` : `const { pipeline } = require("dlt-athena");`;
  return `${head}\nconst p = pipeline({ pipelineName: "${pipelineName}" });\n`;
}

const TOP_LEVEL_AWAIT_TS = `${loadOne("import", "tla_ts")}console.log("script says hello");
await p.run([{ id: 1, name: "a" }], { tableName: "items" });
`;

const MAIN_STYLE_TS = `import { pipeline } from "dlt-athena";
async function main(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  await pipeline({ pipelineName: "main_first" }).run([{ id: 1 }], { tableName: "items" });
  await pipeline({ pipelineName: "main_second" }).run([{ id: 2 }, { id: 3 }], { tableName: "items" });
}
main();
`;

const FAILING_MAIN_TS = `import { pipeline } from "dlt-athena";
async function main(): Promise<void> {
  await pipeline({ pipelineName: "failing_main" }).run([{ id: 1 }], { tableName: "items" });
  await new Promise((resolve) => setTimeout(resolve, 100));
  throw new Error("the API token of the shop is wrong");
}
main();
`;

const CATCHING_MAIN_JS = `const { pipeline } = require("dlt-athena");
async function main() {
  throw new Error("quota of the source exceeded");
}
main().catch((error) => {
  console.error("failed:", error.message);
  process.exit(3);
});
`;

beforeAll(() => {
  ({ dir: root, cleanup } = makeTempDir("dlt-athena-packed-"));
  tarball = packTarball(join(root, "pack"));
  env = { PIPELINE__PIPELINES_DIR: join(root, "pipelines") };
  cjs = userProject(join(root, "cjs"), tarball, {
    files: {
      "tla_pipeline.ts": TOP_LEVEL_AWAIT_TS,
      "main_pipeline.ts": MAIN_STYLE_TS,
      "failing_pipeline.ts": FAILING_MAIN_TS,
      "catching_pipeline.js": CATCHING_MAIN_JS,
      "require_pipeline.cts": `${loadOne("require", "cts_script")}p.run([{ id: 1 }], { tableName: "items" });\n`,
      "plain_pipeline.js": `${loadOne("require", "cjs_js")}p.run([{ id: 1 }], { tableName: "items" });\n`,
      "module_pipeline.mjs": `${loadOne("import", "mjs_script")}await p.run([{ id: 1 }], { tableName: "items" });\n`,
    },
  });
  esm = userProject(join(root, "esm"), tarball, {
    type: "module",
    files: {
      "tla_pipeline.js": `${loadOne("import", "esm_js")}await p.run([{ id: 1 }], { tableName: "items" });\n`,
      "ts_pipeline.ts": `${loadOne("import", "esm_ts")}await p.run([{ id: 1 }], { tableName: "items" });\n`,
      "cts_pipeline.cts": `${loadOne("require", "esm_cts")}p.run([{ id: 1 }], { tableName: "items" });\n`,
    },
  });
  // Installed, then the package.json removed (a copy of the installed folder stands in for a third install).
  bare = join(root, "bare");
  cpSync(cjs, bare, { recursive: true, verbatimSymlinks: true });
  removePackageJson(bare);
  writeFiles(bare, { "loose_pipeline.mts": `${loadOne("import", "bare_mts")}await p.run([{ id: 1 }], { tableName: "items" });\n` });
  // A script in a folder with no package.json and no node_modules: the running CLI's package serves it.
  writeFiles(join(root, "nowhere"), {
    "lonely_pipeline.mts": `${loadOne("import", "lonely_mts")}await p.run([{ id: 1 }], { tableName: "items" });\n`,
    "lonely_pipeline.ts": `${loadOne("import", "lonely_ts")}await p.run([{ id: 1 }], { tableName: "items" });\n`,
  });
}, 600_000);
afterAll(() => cleanup());

interface RunDocument {
  readonly status: string;
  readonly loads: Array<{ readonly pipeline_name: string; readonly tables: Array<{ readonly name: string; readonly rows: number }> }>;
  readonly error?: { readonly code: string; readonly message: string };
}

function runJson(dir: string, script: string): { status: number | null; document: RunDocument; stderr: string } {
  return runJsonWith(dir, script, {});
}

function runJsonWith(dir: string, script: string, extra: Record<string, string>): { status: number | null; document: RunDocument; stderr: string } {
  const result = npx(dir, ["run", script, "--local", "--json"], { ...env, ...extra });
  let document: RunDocument;
  try {
    document = JSON.parse(result.stdout) as RunDocument;
  } catch {
    throw new Error(`stdout of run ${script} is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return { status: result.status, document, stderr: result.stderr };
}

function rowsOf(document: RunDocument, pipelineName: string, table = "items"): number | undefined {
  return document.loads.find((l) => l.pipeline_name === pipelineName)?.tables.find((t) => t.name === table)?.rows;
}

describe("pipeline scripts in a CommonJS project (npm init -y, packed tarball)", { timeout: 300_000 }, () => {
  it("runs a .ts script with top-level await; the script's output goes to stderr under --json", () => {
    const { status, document, stderr } = runJson(cjs, "tla_pipeline.ts");
    expect(stderr).toContain("script says hello");
    expect(status).toBe(0);
    expect(document.status).toBe("ok");
    expect(rowsOf(document, "tla_ts")).toBe(1);
  });

  it("waits for a main()-style script and reports every pipeline it ran", () => {
    const { status, document } = runJson(cjs, "main_pipeline.ts");
    expect(status).toBe(0);
    expect(document.loads.map((l) => l.pipeline_name)).toEqual(["main_first", "main_second"]);
    expect(rowsOf(document, "main_second")).toBe(2);
  });

  it("reports a failing main()-style script as an error with the script's own message", () => {
    const { status, document } = runJson(cjs, "failing_pipeline.ts");
    expect(status).not.toBe(0);
    expect(document.status).toBe("error");
    expect(document.error?.message).toContain("the API token of the shop is wrong");
  });

  it("reports a script that catches its error and exits with its code and last stderr lines", () => {
    const { status, document } = runJson(cjs, "catching_pipeline.js");
    expect(status).not.toBe(0);
    expect(document.status).toBe("error");
    expect(document.error?.message).toContain("exited with code 3");
    expect(document.error?.message).toContain("quota of the source exceeded");
  });

  it("runs .cts, CommonJS .js and .mjs scripts", () => {
    for (const [script, name] of [["require_pipeline.cts", "cts_script"], ["plain_pipeline.js", "cjs_js"], ["module_pipeline.mjs", "mjs_script"]] as const) {
      const { status, document, stderr } = runJson(cjs, script);
      expect({ script, status, stderr: status === 0 ? "" : stderr }).toEqual({ script, status: 0, stderr: "" });
      expect(rowsOf(document, name)).toBe(1);
    }
  });

  it("lets plain node require() the package", () => {
    const result = exec(cjs, process.execPath, ["-e", `const d = require("dlt-athena"); console.log(typeof d.pipeline, typeof d.resource)`]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("function function");
  });

  it("prints the run summary on stdout and the script's lines before it without --json", () => {
    const result = npx(cjs, ["run", "tla_pipeline.ts", "--local"], env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("script says hello");
    expect(result.stdout).toMatch(/Pipeline tla_ts loaded 1 package/);
  });
});

describe("pipeline scripts in an ES module project", { timeout: 300_000 }, () => {
  it("runs .js (top-level await), .ts and .cts scripts", () => {
    for (const [script, name] of [["tla_pipeline.js", "esm_js"], ["ts_pipeline.ts", "esm_ts"], ["cts_pipeline.cts", "esm_cts"]] as const) {
      const { status, document, stderr } = runJson(esm, script);
      expect({ script, status, stderr: status === 0 ? "" : stderr }).toEqual({ script, status: 0, stderr: "" });
      expect(rowsOf(document, name)).toBe(1);
    }
  });
});

describe("pipeline scripts without a package.json", { timeout: 300_000 }, () => {
  it("runs a .mts script beside node_modules", () => {
    const { status, document, stderr } = runJson(bare, "loose_pipeline.mts");
    expect({ status, stderr: status === 0 ? "" : stderr }).toEqual({ status: 0, stderr: "" });
    expect(rowsOf(document, "bare_mts")).toBe(1);
  });

  it("runs .mts and .ts scripts in a folder with nothing installed, with the CLI's own package", () => {
    const bin = join(cjs, "node_modules", "dlt-athena", "bin", "dlt-athena.js");
    for (const [script, name] of [["lonely_pipeline.mts", "lonely_mts"], ["lonely_pipeline.ts", "lonely_ts"]] as const) {
      const result = exec(join(root, "nowhere"), process.execPath, [bin, "run", script, "--local", "--json"], env);
      expect({ script, status: result.status, stderr: result.status === 0 ? "" : result.stderr }).toEqual({ script, status: 0, stderr: "" });
      expect(rowsOf(JSON.parse(result.stdout) as RunDocument, name)).toBe(1);
    }
  });
});

describe("init in a project made with npm init -y, from the packed tarball", { timeout: 300_000 }, () => {
  it("adds the chess source, keeps the installed dependency, and runs offline on the bundled sample", () => {
    const init = npx(cjs, ["init", "chess", "athena"], env);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain("npx dlt-athena run chess_pipeline.ts --local");
    const pkg = JSON.parse(readFileSync(join(cjs, "package.json"), "utf8"));
    expect(pkg.type).toBe("commonjs");
    expect(pkg.dependencies["dlt-athena"]).toMatch(/^file:.*\.tgz$/);
    const { status, document, stderr } = runJsonWith(cjs, "chess_pipeline.ts", { SOURCES__CHESS__OFFLINE: "true" });
    expect({ status, stderr: status === 0 ? "" : stderr }).toEqual({ status: 0, stderr: "" });
    expect(rowsOf(document, "chess_pipeline", "players_profiles")).toBe(4);
    expect(rowsOf(document, "chess_pipeline", "players_games")).toBe(8);
  });

  it("writes a dependency on the tarball the running CLI was installed from", () => {
    const fresh = join(root, "fresh");
    const bin = join(cjs, "node_modules", "dlt-athena", "bin", "dlt-athena.js");
    const result = exec(root, process.execPath, [bin, "init", "shop", "athena", "--dir", fresh, "--json"], env);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).dependency).toBe(`file:${tarball}`);
    expect(JSON.parse(readFileSync(join(fresh, "package.json"), "utf8")).dependencies["dlt-athena"]).toBe(`file:${tarball}`);
  });
});
