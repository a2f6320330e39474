import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { planScaffold, writeScaffold } from "../../../src/scaffold/scaffold.js";
import { makeTempDir } from "../../support/temp.js";

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = makeTempDir());
});
afterEach(() => cleanup());

const read = (path: string) => readFileSync(join(dir, path), "utf8");

describe("init", () => {
  it("writes the chess project with TOML files shaped like dlt's Athena docs", () => {
    const result = writeScaffold({ source: "chess", destination: "athena", dir, packageVersion: "^0.1.0" });
    expect(result.written).toEqual([
      "chess_pipeline.ts",
      "chess/index.ts",
      "chess/sample.json",
      ".dlt/config.toml",
      ".dlt/secrets.toml",
      ".gitignore",
      "package.json",
    ]);
    const secrets = parse(read(".dlt/secrets.toml")) as any;
    expect(secrets.destination.filesystem.bucket_url).toBe("please set me up!");
    expect(secrets.destination.filesystem.credentials.aws_access_key_id).toBe("please set me up!");
    expect(secrets.destination.filesystem.credentials.aws_secret_access_key).toBe("please set me up!");
    expect(secrets.destination.athena.query_result_bucket).toBe("please set me up!");
    expect(secrets.destination.athena.credentials.region_name).toBe("please set me up!");
    const config = parse(read(".dlt/config.toml")) as any;
    expect(config.runtime.log_level).toBe("WARNING");
    expect(config.destination.filesystem).toEqual({});
  });

  it("writes a pipeline script that targets athena with filesystem staging", () => {
    writeScaffold({ source: "chess", destination: "athena", dir, packageVersion: "^0.1.0" });
    const script = read("chess_pipeline.ts");
    expect(script).toContain('destination: "athena"');
    expect(script).toContain('staging: "filesystem"');
    expect(script).toContain('datasetName: "chess_players_games_data"');
    expect(script).toContain('from "./chess/index.js"');
    const source = read("chess/index.ts");
    expect(source).toContain('name: "players_games"');
    expect(source).toContain('incremental("archive_month"');
    expect(source).toContain(`configValue<string>("sources.chess.base_url")`);
  });

  it("ignores secrets and local engine data in .gitignore", () => {
    writeScaffold({ source: "chess", destination: "athena", dir, packageVersion: "^0.1.0" });
    const lines = read(".gitignore").split("\n");
    expect(lines).toContain(".dlt/secrets.toml");
    expect(lines).toContain(".dlt/local/");
  });

  it("writes a package.json depending on dlt-athena only when there is none", () => {
    writeScaffold({ source: "chess", destination: "athena", dir, packageVersion: "^0.1.0" });
    expect(JSON.parse(read("package.json")).dependencies).toEqual({ "dlt-athena": "^0.1.0" });

    const { dir: other, cleanup: cleanOther } = makeTempDir();
    try {
      writeFileSync(join(other, "package.json"), "{}");
      const files = planScaffold({ source: "chess", destination: "athena", dir: other, packageVersion: "^0.1.0" });
      expect(files.map((f) => f.path)).not.toContain("package.json");
    } finally {
      cleanOther();
    }
  });

  it("gives any other valid name a generic starter source named after it", () => {
    writeScaffold({ source: "github_issues", destination: "athena", dir, packageVersion: "^0.1.0" });
    const source = read("github_issues/index.ts");
    expect(source).toContain("export function githubIssuesSource(");
    expect(source).toContain('source("github_issues"');
    expect(source).toContain("incremental(");
    expect(source).toContain("_page=");
    expect(source).not.toMatch(/\{\{\w+\}\}/);
    const script = read("github_issues_pipeline.ts");
    expect(script).toContain('import { githubIssuesSource } from "./github_issues/index.js"');
    expect(script).not.toMatch(/\{\{\w+\}\}/);
    expect(parse(read(".dlt/config.toml"))).toHaveProperty("sources");
  });

  it("never overwrites an existing file without force, and writes nothing then", () => {
    writeFileSync(join(dir, "chess_pipeline.ts"), "// mine\n");
    expect(() => writeScaffold({ source: "chess", destination: "athena", dir, packageVersion: "^0.1.0" })).toThrow(
      /Not overwriting existing files .*chess_pipeline\.ts.*--force/,
    );
    expect(read("chess_pipeline.ts")).toBe("// mine\n");
    expect(existsSync(join(dir, ".dlt/config.toml"))).toBe(false);
  });

  it("overwrites generated code with force, but never a filled-in secret or config value", () => {
    writeScaffold({ source: "chess", destination: "athena", dir, packageVersion: "^0.1.0" });
    writeFileSync(join(dir, "chess_pipeline.ts"), "// mine\n");
    const filled = read(".dlt/secrets.toml").replace('bucket_url = "please set me up!"', 'bucket_url = "s3://my-lake"');
    writeFileSync(join(dir, ".dlt/secrets.toml"), filled);
    writeFileSync(join(dir, ".dlt/config.toml"), '[runtime]\nlog_level = "DEBUG"\n');
    const result = writeScaffold({ source: "chess", destination: "athena", dir, force: true, packageVersion: "^0.1.0" });
    expect(read("chess_pipeline.ts")).toContain("pipeline(");
    expect(read(".dlt/secrets.toml")).toBe(filled);
    const config = parse(read(".dlt/config.toml")) as any;
    expect(config.runtime.log_level).toBe("DEBUG");
    expect(config.sources).toHaveProperty("chess");
    expect(result.files.find((f) => f.path === ".dlt/secrets.toml")?.action).toBe("unchanged");
  });

  it("adds a second source to a project without --force, merging config, secrets, .gitignore and package.json", () => {
    writeScaffold({ source: "chess", destination: "athena", dir, packageVersion: "^0.1.0" });
    writeFileSync(join(dir, ".gitignore"), "dist/\n");
    writeFileSync(join(dir, ".dlt/secrets.toml"), '# mine\n[destination.filesystem]\nbucket_url = "s3://my-lake" # keep\n');
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "mine", type: "commonjs", scripts: { start: "node x.js" } }));
    const result = writeScaffold({ source: "github_issues", destination: "athena", dir, packageVersion: "file:/somewhere/dlt-athena" });
    expect(result.written).toEqual(["github_issues_pipeline.ts", "github_issues/index.ts"]);
    expect(read("chess_pipeline.ts")).toContain("chessSource");
    const secrets = read(".dlt/secrets.toml");
    expect(secrets.startsWith('# mine\n[destination.filesystem]\nbucket_url = "s3://my-lake" # keep\n')).toBe(true);
    const parsed = parse(secrets) as any;
    expect(parsed.destination.filesystem.bucket_url).toBe("s3://my-lake");
    expect(parsed.destination.filesystem.credentials.aws_access_key_id).toBe("please set me up!");
    expect(parsed.destination.athena.credentials.region_name).toBe("please set me up!");
    expect(parse(read(".dlt/config.toml"))).toHaveProperty(["sources", "github_issues"]);
    expect(read(".gitignore").split("\n")).toEqual(expect.arrayContaining(["dist/", ".dlt/secrets.toml", ".dlt/local/"]));
    const pkg = JSON.parse(read("package.json"));
    expect(pkg).toMatchObject({ name: "mine", type: "commonjs", dependencies: { "dlt-athena": "file:/somewhere/dlt-athena" } });
    expect(pkg.scripts.start).toBe("node x.js");
  });

  it.each(["9lives", "my-source", "with space", "class", "", "ünïcode"])("refuses the source name %j", (name) => {
    expect(() => planScaffold({ source: name, destination: "athena", dir, packageVersion: "^0.1.0" })).toThrow(UsageError);
    expect(() => planScaffold({ source: name, destination: "athena", dir, packageVersion: "^0.1.0" })).toThrow(/not a valid source name/);
  });

  it("refuses any destination but athena, listing the supported ones", () => {
    expect(() => planScaffold({ source: "chess", destination: "bigquery", dir, packageVersion: "^0.1.0" })).toThrow(
      'Destination "bigquery" is not supported. Supported destinations: athena.',
    );
  });
});
