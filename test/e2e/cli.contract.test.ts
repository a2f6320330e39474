import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { makeTempDir } from "../support/temp.js";

const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = makeTempDir());
});
afterAll(() => cleanup());

describe("the compiled CLI", () => {
  it("prints help for the program and every command with exit code 0", () => {
    const top = runCli(["--help"]);
    expect(top.status).toBe(0);
    for (const command of ["init", "run", "query", "pipeline", "dbt-profile"]) expect(top.stdout).toContain(command);
    for (const [command, flag] of [["init", "--force"], ["run", "--dry-run"], ["query", "--csv"], ["pipeline", "<operation>"], ["dbt-profile", "--pipeline-name"]] as const) {
      const help = runCli([command, "--help"]);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(flag);
    }
  });

  it("prints its version", () => {
    const result = runCli(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it("exits 2 on an unknown command, an unknown option and a missing argument", () => {
    expect(runCli(["frobnicate"]).status).toBe(2);
    const unknownOption = runCli(["init", "chess", "athena", "--nope"]);
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--nope'");
    expect(runCli(["init", "chess"]).status).toBe(2);
    const badOperation = runCli(["pipeline", "p", "explode"]);
    expect(badOperation.status).toBe(2);
    expect(badOperation.stderr).toContain("info, trace, schema, drop, sync");
  });

  it("scaffolds a project whose TOML files parse, and refuses to overwrite it", () => {
    const project = join(dir, "chess-project");
    const first = runCli(["init", "chess", "athena", "--dir", project]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("npx dlt-athena run chess_pipeline.ts");
    expect(first.stdout).toContain("--local");
    expect(() => parse(readFileSync(join(project, ".dlt/config.toml"), "utf8"))).not.toThrow();
    expect(() => parse(readFileSync(join(project, ".dlt/secrets.toml"), "utf8"))).not.toThrow();

    const second = runCli(["init", "chess", "athena", "--dir", project]);
    expect(second.status).toBe(2);
    expect(second.stderr).toContain("--force");
    expect(runCli(["init", "chess", "athena", "--dir", project, "--force"]).status).toBe(0);
  });

  it("exits 2 naming the supported destinations for an unsupported one", () => {
    const result = runCli(["init", "chess", "redshift", "--dir", join(dir, "x")]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Supported destinations: athena");
  });

  it("prints errors as one JSON document on stdout with --json", () => {
    const result = runCli(["init", "bad-name", "athena", "--dir", join(dir, "y"), "--json"]);
    expect(result.status).toBe(2);
    const envelope = JSON.parse(result.stdout);
    expect(envelope).toMatchObject({ status: "error", error: { code: "invalid_source_name", source: "bad-name" } });
  });
});
