/**
 * The secret scan: a run on the AWS path whose credentials come from every source at once
 * (profiles in a shared credentials file for S3 and Athena, a source token in secrets.toml, `AWS_*` session
 * variables, a `DESTINATION__…` variable) against endpoints that echo them back in a failure.
 * No secret may appear in stdout, stderr, or any file the run left (working folder, packages,
 * traces, the project), and an access key id shows only its last four characters.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAthenaServer, type FakeAthenaServer } from "../support/athena-server.js";
import { runCliAsync } from "../support/cli.js";
import { linkPackage } from "../support/project.js";
import { startS3Server, type S3TestServer } from "../support/s3-server.js";
import { makeTempDir, writeFiles } from "../support/temp.js";

const PROFILE_KEY_ID = "AKIAPROFILEKEY7Q3W";
const PROFILE_SECRET = "profile/Secret+Value/0123456789abcdefXYZ";
const ENV_KEY_ID = "ASIAENVSESSIONK4E9";
const ENV_SECRET = "env/Secret+Value/9876543210fedcbaQWE";
const ENV_SESSION = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN/long+value==";
const DESTINATION_ENV_TOKEN = "destination-env-session-token-31337";
const SOURCE_TOKEN = "ghp_sourceApiTokenFromSecretsToml555";
const SECRETS = [PROFILE_SECRET, ENV_SECRET, ENV_SESSION, DESTINATION_ENV_TOKEN, SOURCE_TOKEN];
const KEY_IDS = [PROFILE_KEY_ID, ENV_KEY_ID];

let athena: FakeAthenaServer;
let s3: S3TestServer;
const temp = makeTempDir("dlt-athena-secrets-");
const project = join(temp.dir, "project");
const home = join(temp.dir, "home");

beforeAll(async () => {
  [athena, s3] = await Promise.all([startAthenaServer(), startS3Server()]);
  // The endpoint "echoes" every credential in its failure reason, as a misbehaving proxy might.
  athena.script(/^INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"/, { fail: { reason: `GENERIC_INTERNAL_ERROR: echo ${[...SECRETS, ...KEY_IDS].join(" ")}` } });
  writeFiles(project, {
    "package.json": JSON.stringify({ type: "module" }),
    "shop.ts": [
      'import { configValue, pipeline } from "dlt-athena";',
      'const token = configValue("sources.shop.api_token");',
      "console.log(`using token ${token}`);",
      'await pipeline({ pipelineName: "shop", destination: "athena", datasetName: "shop_data" }).run([{ id: 1 }], { tableName: "orders" });',
      "",
    ].join("\n"),
    ".dlt/config.toml": `[destination.filesystem]\nbucket_url = "s3://${s3.bucket}/lake"\n[destination.athena]\nathena_work_group = "wg"\n`,
    ".dlt/secrets.toml": [
      "[sources.shop]",
      `api_token = "${SOURCE_TOKEN}"`,
      "[destination.filesystem.credentials]",
      'profile_name = "staging"',
      'region_name = "us-east-1"',
      `endpoint_url = "${s3.endpoint}"`,
      "[destination.athena.credentials]",
      'profile_name = "scan"',
      'region_name = "us-east-1"',
      `endpoint_url = "${athena.endpoint}"`,
      "",
    ].join("\n"),
  });
  writeFiles(home, {
    // s3rver accepts only its own fixed keys; Athena gets a profile of its own.
    ".aws/credentials": `[staging]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n[scan]\naws_access_key_id = ${PROFILE_KEY_ID}\naws_secret_access_key = ${PROFILE_SECRET}\n`,
  });
  linkPackage(project);
});

afterAll(async () => {
  await Promise.all([athena?.stop(), s3?.stop()]);
  temp.cleanup();
});

/** Every file under `dir`, except the two files that hold credentials by design. */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(path).isDirectory()) found.push(...filesUnder(path));
    else if (!path.endsWith(join(".dlt", "secrets.toml")) && !path.endsWith(join(".aws", "credentials"))) found.push(path);
  }
  return found;
}

describe("no credential of the run reaches an output or a file", () => {
  it("masks credentials from secrets.toml, a profile, AWS_* and DESTINATION__* variables in stdout, stderr, errors, traces and files", async () => {
    const env = {
      HOME: home,
      USERPROFILE: home,
      AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
      AWS_CONFIG_FILE: join(home, ".aws", "config"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ACCESS_KEY_ID: ENV_KEY_ID,
      AWS_SECRET_ACCESS_KEY: ENV_SECRET,
      AWS_SESSION_TOKEN: ENV_SESSION,
      DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SESSION_TOKEN: DESTINATION_ENV_TOKEN,
      DLT_ATHENA_POLL_MS: "5",
      PIPELINE__PIPELINES_DIR: join(temp.dir, "pipelines"),
    };
    const text = await runCliAsync(["run", "shop.ts"], { cwd: project, env });
    const json = await runCliAsync(["run", "shop.ts", "--json"], { cwd: project, env });
    const info = await runCliAsync(["pipeline", "shop", "info", "--json"], { cwd: project, env });
    const trace = await runCliAsync(["pipeline", "shop", "trace"], { cwd: project, env });
    // The failure made it to the outputs (so the scan looks at real error text)…
    expect(text.status).toBe(1);
    expect(text.stderr).toContain("GENERIC_INTERNAL_ERROR: echo");
    expect(JSON.parse(json.stdout)).toMatchObject({ status: "error" });
    expect(info.status, info.stdout + info.stderr).toBe(0);
    // …with each access key id cut to its last four characters.
    expect(text.stderr).toContain(`****${PROFILE_KEY_ID.slice(-4)}`);
    expect(text.stderr).toContain(`****${ENV_KEY_ID.slice(-4)}`);
    expect(text.stdout).toContain("using token ****");

    const outputs = [text, json, info, trace].flatMap((r) => [r.stdout, r.stderr]);
    const files = [...filesUnder(temp.dir)];
    expect(files.some((f) => f.endsWith("trace.json"))).toBe(true);
    for (const value of [...SECRETS, ...KEY_IDS]) {
      for (const output of outputs) expect(output).not.toContain(value);
      for (const file of files) expect(readFileSync(file, "latin1").includes(value), `${value} in ${file}`).toBe(false);
    }
  });

  it("refuses a secret in config.toml even when secrets.toml holds the value used, without printing it", async () => {
    const dir = join(temp.dir, "config-secret");
    writeFiles(dir, {
      "package.json": JSON.stringify({ type: "module" }),
      "shop.ts": 'import { pipeline } from "dlt-athena";\nawait pipeline({ pipelineName: "cfg" }).run([{ id: 1 }], { tableName: "t" });\n',
      ".dlt/config.toml": '[destination.athena.credentials]\naws_secret_access_key = "leaked-in-config-987654"\n',
      ".dlt/secrets.toml": '[destination.athena.credentials]\naws_secret_access_key = "the-one-used-123456"\naws_access_key_id = "AKIAUSEDKEY000000"\n',
    });
    linkPackage(dir);
    const result = await runCliAsync(["run", "shop.ts", "--local"], { cwd: dir, env: { HOME: home, PIPELINE__PIPELINES_DIR: join(temp.dir, "pipelines") } });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("must not be kept in");
    expect(result.stderr).not.toContain("leaked-in-config-987654");
  });
});
