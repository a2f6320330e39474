import { execFileSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { REPO_ROOT as ROOT, linkPackage } from "../support/project.js";
import { makeTempDir } from "../support/temp.js";

const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = makeTempDir());
});
afterAll(() => cleanup());

/** Scaffolds a project that depends on this checkout and type-checks it with strict settings. */
function scaffoldAndTypecheck(source: string): string {
  const project = join(dir, source);
  expect(runCli(["init", source, "athena", "--dir", project]).status).toBe(0);
  linkPackage(project);
  symlinkSync(join(ROOT, "node_modules", "@types"), join(project, "node_modules", "@types"), "dir");
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] },
      include: ["*.ts", `${source}/*.ts`],
    }),
  );
  try {
    return execFileSync(process.execPath, [TSC, "-p", project], { encoding: "utf8" });
  } catch (error) {
    const failed = error as { stdout?: string };
    throw new Error(`scaffolded ${source} project does not type-check:\n${failed.stdout ?? String(error)}`);
  }
}

describe("scaffolded projects", () => {
  it("type-check the chess pipeline against the public API", () => {
    expect(scaffoldAndTypecheck("chess")).toBe("");
  });

  it("type-check a generic starter source against the public API", () => {
    expect(scaffoldAndTypecheck("github_issues")).toBe("");
  });
});
