import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../../src/config/resolve.js";
import { awsSettingsFor } from "../../../src/config/aws.js";
import { ConfigError } from "../../../src/errors.js";
import { makeTempDir, writeFiles } from "../../support/temp.js";

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = makeTempDir());
});
afterEach(() => cleanup());

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("config precedence", () => {
  const KEY = "destination.athena.query_result_bucket";

  it("takes a flag over the environment, secrets.toml, config.toml and the default", () => {
    writeFiles(dir, {
      ".dlt/config.toml": `[destination.athena]\nquery_result_bucket = "s3://from-config/"\n`,
      ".dlt/secrets.toml": `[destination.athena]\nquery_result_bucket = "s3://from-secrets/"\n`,
    });
    const env = { DESTINATION__ATHENA__QUERY_RESULT_BUCKET: "s3://from-env/" };
    const flags = { [KEY]: "s3://from-flag/" };

    expect(resolveConfig({ projectDir: dir, env, flags }).lookup(KEY)).toMatchObject({ value: "s3://from-flag/", source: "flag" });
    expect(resolveConfig({ projectDir: dir, env }).lookup(KEY)).toMatchObject({ value: "s3://from-env/", source: "env" });
    expect(resolveConfig({ projectDir: dir, env: {} }).lookup(KEY)).toMatchObject({ value: "s3://from-secrets/", source: "secrets.toml" });
  });

  it("falls back from secrets.toml to config.toml to the default", () => {
    writeFiles(dir, { ".dlt/config.toml": `[destination.athena]\nquery_result_bucket = "s3://from-config/"\n` });
    const config = resolveConfig({ projectDir: dir, env: {} });
    expect(config.lookup(KEY)).toMatchObject({ value: "s3://from-config/", source: "config.toml" });
    expect(config.lookup("destination.athena.aws_data_catalog")).toMatchObject({ value: "awsdatacatalog", source: "default" });
    expect(config.get("destination.filesystem.layout")).toBe("{table_name}/{load_id}.{file_id}.{ext}");
  });

  it("parses typed environment values", () => {
    const config = resolveConfig({
      projectDir: dir,
      env: { DESTINATION__ATHENA__FORCE_ICEBERG: "true", DESTINATION__FILESYSTEM__UPLOAD_CONCURRENCY: "3" },
    });
    expect(config.getBoolean("destination.athena.force_iceberg")).toBe(true);
    expect(config.getInteger("destination.filesystem.upload_concurrency")).toBe(3);
  });

  it("uses the staging credentials for Athena when Athena has none of its own", () => {
    writeFiles(dir, {
      ".dlt/secrets.toml": `[destination.filesystem.credentials]\nregion_name = "eu-west-1"\n[destination.athena.credentials]\nendpoint_url = "http://127.0.0.1:9"\n`,
    });
    const config = resolveConfig({ projectDir: dir, env: {} });
    expect(config.get("destination.athena.credentials.region_name")).toBe("eu-west-1");
    expect(config.get("destination.athena.credentials.endpoint_url")).toBe("http://127.0.0.1:9");
    expect(config.get("destination.filesystem.credentials.endpoint_url")).toBeUndefined();
  });

  it("reads keys it does not know, such as source settings", () => {
    writeFiles(dir, { ".dlt/config.toml": `[sources.chess]\nplayers = ["a", "b"]\n` });
    expect(resolveConfig({ projectDir: dir, env: {} }).get("sources.chess.players")).toEqual(["a", "b"]);
  });
});

describe("config errors", () => {
  it("names the file, line and column of a TOML syntax error", () => {
    writeFiles(dir, { ".dlt/config.toml": `[destination.athena]\nquery_result_bucket = "s3://x/\n` });
    const error = errorOf(() => resolveConfig({ projectDir: dir, env: {} }));
    expect(error.code).toBe("toml_syntax");
    expect(error.message).toContain(".dlt/config.toml:2:");
    expect(error.meta).toMatchObject({ line: 2 });
    expect(error.message).toMatch(/line 2, column \d+/);
  });

  it("names the TOML section, key and environment variable of a missing value", () => {
    const config = resolveConfig({ projectDir: dir, env: {} });
    const error = errorOf(() => config.require("destination.filesystem.bucket_url"));
    expect(error.code).toBe("missing_config");
    expect(error.message).toContain("[destination.filesystem] bucket_url");
    expect(error.message).toContain("DESTINATION__FILESYSTEM__BUCKET_URL");
    expect(error.message).toContain("secrets.toml (not found)");
  });

  it("treats the scaffolded placeholder as missing and says so", () => {
    writeFiles(dir, { ".dlt/secrets.toml": `[destination.filesystem]\nbucket_url = "please set me up!"\n` });
    const config = resolveConfig({ projectDir: dir, env: {} });
    const error = errorOf(() => config.require("destination.filesystem.bucket_url"));
    expect(error.message).toContain("placeholder");
    expect(error.message).toContain("secrets.toml (found)");
  });

  it("says what type was expected for a value of the wrong type", () => {
    writeFiles(dir, { ".dlt/config.toml": `[destination.athena]\nforce_iceberg = "yes"\n` });
    const config = resolveConfig({ projectDir: dir, env: {} });
    const error = errorOf(() => config.get("destination.athena.force_iceberg"));
    expect(error.code).toBe("invalid_config_type");
    expect(error.message).toContain("[destination.athena] force_iceberg");
    expect(error.message).toContain("must be a boolean (true or false)");
    expect(error.message).toContain('got string "yes"');
  });

  it("rejects a malformed typed environment value naming the variable", () => {
    const config = resolveConfig({ projectDir: dir, env: { DESTINATION__FILESYSTEM__UPLOAD_CONCURRENCY: "many" } });
    const error = errorOf(() => config.get("destination.filesystem.upload_concurrency"));
    expect(error.message).toContain("DESTINATION__FILESYSTEM__UPLOAD_CONCURRENCY");
    expect(error.message).toContain("must be an integer");
  });

  it("refuses a secret kept in config.toml without printing it", () => {
    writeFiles(dir, { ".dlt/config.toml": `[destination.filesystem.credentials]\naws_secret_access_key = "TOPSECRETVALUE123"\n` });
    const config = resolveConfig({ projectDir: dir, env: {} });
    const error = errorOf(() => config.get("destination.filesystem.credentials.aws_secret_access_key"));
    expect(error.code).toBe("secret_in_config");
    expect(error.message).not.toContain("TOPSECRETVALUE123");
    expect(error.message).toContain("secrets.toml");
  });

  it("does not print a secret of the wrong type", () => {
    writeFiles(dir, { ".dlt/secrets.toml": `[destination.filesystem.credentials]\naws_secret_access_key = 12345678\n` });
    const config = resolveConfig({ projectDir: dir, env: {} });
    const error = errorOf(() => config.get("destination.filesystem.credentials.aws_secret_access_key"));
    expect(error.message).not.toContain("12345678");
    expect(error.message).toContain("must be a string");
  });
});

describe("secrets and AWS credentials", () => {
  const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const KEY_ID = "AKIAIOSFODNN7EXAMPLE";

  it("redacts secrets when describing the configuration", () => {
    writeFiles(dir, {
      ".dlt/secrets.toml": `[destination.filesystem.credentials]\naws_access_key_id = "${KEY_ID}"\naws_secret_access_key = "${SECRET}"\naws_session_token = "TOKEN-abcdef-123456"\n`,
    });
    const described = JSON.stringify(resolveConfig({ projectDir: dir, env: {} }).describe());
    expect(described).not.toContain(SECRET);
    expect(described).not.toContain(KEY_ID);
    expect(described).not.toContain("TOKEN-abcdef-123456");
    expect(described).toContain("****MPLE");
  });

  it("builds static credentials with a session token from explicit keys", () => {
    const config = resolveConfig({
      projectDir: dir,
      env: {
        DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID: KEY_ID,
        DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY: SECRET,
        DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SESSION_TOKEN: "tok",
        DESTINATION__FILESYSTEM__CREDENTIALS__REGION_NAME: "eu-central-1",
      },
    });
    const settings = awsSettingsFor(config, "filesystem");
    expect(settings.credentials).toEqual({ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: "tok" });
    expect(settings.region).toBe("eu-central-1");
    expect(settings.profile).toBeUndefined();
    expect(settings.isCustomEndpoint).toBe(false);
  });

  it("uses a profile when no keys are given, and flags non-AWS endpoints", () => {
    writeFiles(dir, {
      ".dlt/secrets.toml": `[destination.athena.credentials]\nprofile_name = "analytics"\nendpoint_url = "http://127.0.0.1:4566"\n`,
    });
    const settings = awsSettingsFor(resolveConfig({ projectDir: dir, env: {} }), "athena");
    expect(settings.profile).toBe("analytics");
    expect(settings.credentials).toBeUndefined();
    expect(settings.isCustomEndpoint).toBe(true);
  });

  it("reports a key id without its secret, naming the missing key and variable", () => {
    writeFiles(dir, { ".dlt/secrets.toml": `[destination.filesystem.credentials]\naws_access_key_id = "${KEY_ID}"\n` });
    const error = errorOf(() => awsSettingsFor(resolveConfig({ projectDir: dir, env: {} }), "filesystem"));
    expect(error.code).toBe("incomplete_credentials");
    expect(error.message).toContain("[destination.filesystem.credentials] aws_secret_access_key");
    expect(error.message).toContain("DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY");
    expect(error.message).not.toContain(KEY_ID);
  });
});
