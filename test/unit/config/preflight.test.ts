import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { checkAthenaConfig, findMissingAthenaConfig } from "../../../src/config/preflight.js";
import { resolveConfig } from "../../../src/config/resolve.js";
import { makeTempDir, writeFiles } from "../../support/temp.js";

function configWith(secrets: string, env: Record<string, string> = {}) {
  const { dir, cleanup } = makeTempDir();
  writeFiles(dir, { ".dlt/secrets.toml": secrets, "home/.keep": "" });
  const config = resolveConfig({ projectDir: dir, env });
  return { config, env, home: `${dir}/home`, dir, cleanup };
}

const SCAFFOLDED = `[destination.filesystem]
bucket_url = "please set me up!"
[destination.filesystem.credentials]
aws_access_key_id = "please set me up!"
aws_secret_access_key = "please set me up!"
[destination.athena.credentials]
region_name = "please set me up!"
`;

describe("the athena destination's configuration, checked before any network call", () => {
  it("counts placeholders as missing and names section, key and environment variable of each", () => {
    const { config, env, home, cleanup } = configWith(SCAFFOLDED);
    try {
      expect(findMissingAthenaConfig(config, { env, home }).map((m) => [m.section, m.key.split(".").pop(), m.env])).toEqual([
        ["destination.filesystem", "bucket_url", "DESTINATION__FILESYSTEM__BUCKET_URL"],
        ["destination.athena.credentials", "region_name", "DESTINATION__ATHENA__CREDENTIALS__REGION_NAME"],
        ["destination.athena.credentials", "aws_access_key_id", "DESTINATION__ATHENA__CREDENTIALS__AWS_ACCESS_KEY_ID"],
        ["destination.athena.credentials", "aws_secret_access_key", "DESTINATION__ATHENA__CREDENTIALS__AWS_SECRET_ACCESS_KEY"],
      ]);
      let error: unknown;
      try {
        checkAthenaConfig(config, { env, home });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain("[destination.filesystem] bucket_url (environment: DESTINATION__FILESYSTEM__BUCKET_URL)");
      expect((error as ConfigError).message).toContain("--local");
    } finally {
      cleanup();
    }
  });

  it("accepts keys and a region from the environment, or the AWS default chain's sources", () => {
    const filled = `[destination.filesystem]\nbucket_url = "s3://lake/raw"\n`;
    const cases: Array<Record<string, string>> = [
      { DESTINATION__ATHENA__CREDENTIALS__REGION_NAME: "eu-west-1", DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID: "AKIA1", DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY: "s" },
      { AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "s" },
      { AWS_DEFAULT_REGION: "eu-west-1", AWS_PROFILE: "work" },
    ];
    for (const env of cases) {
      const { config, home, cleanup } = configWith(filled, env);
      try {
        expect(findMissingAthenaConfig(config, { env, home })).toEqual([]);
      } finally {
        cleanup();
      }
    }
  });

  it("reads the region of the profile in ~/.aws/config, and refuses a profile_name that is not there", () => {
    for (const [profile, expected] of [["work", []], ["nope", ["destination.athena.credentials.region_name", "destination.athena.credentials.profile_name"]]] as const) {
      const { config, dir, home, cleanup } = configWith(`[destination.filesystem]\nbucket_url = "s3://lake"\n[destination.filesystem.credentials]\nprofile_name = "${profile}"\n`);
      try {
        writeFiles(dir, { "home/.aws/config": "[profile work]\nregion = us-west-2\n" });
        const found = findMissingAthenaConfig(config, { env: {}, home });
        expect(found.map((m) => m.key)).toEqual(expected);
        if (profile === "nope") expect(found[1]!.hint).toContain('"nope"');
      } finally {
        cleanup();
      }
    }
  });

  it("needs no bucket for a query", () => {
    const { config, cleanup, home } = configWith("");
    try {
      const env = { AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "s" };
      expect(findMissingAthenaConfig(config, { env, home, needsBucket: false })).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
