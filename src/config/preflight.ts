import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { PLACEHOLDER } from "./resolve.js";
import type { ResolvedConfig } from "./resolve.js";
import { envNameOf, tomlNameOf } from "./spec.js";

/** One value a destination needs and does not have. */
export interface MissingValue {
  /** `destination.athena.credentials.region_name` */
  readonly key: string;
  /** `destination.athena.credentials` */
  readonly section: string;
  readonly env: string;
  /** What else would have provided it, for the message. */
  readonly hint?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export interface CheckOptions {
  readonly env?: Env;
  /** Where `~/.aws/` is looked for. */
  readonly home?: string;
  /** False for commands that only query (no staging bucket needed). Default true. */
  readonly needsBucket?: boolean;
  /** True for `--dry-run`: missing credentials or region mean "plan against nothing deployed", not an error. */
  readonly credentialsOptional?: boolean;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "" && value !== PLACEHOLDER;
}

/** The `[profile name]` (or `[name]` in the credentials file) sections of the AWS shared files. */
function awsProfiles(env: Env, home: string): { readonly regions: Map<string, string>; readonly names: Set<string> } {
  const regions = new Map<string, string>();
  const names = new Set<string>();
  const files = [env.AWS_CONFIG_FILE || join(home, ".aws", "config"), env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials")];
  for (const file of files) {
    if (!existsSync(file)) continue;
    let profile: string | undefined;
    for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
      const header = /^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]/.exec(line);
      if (header) {
        profile = header[1]!;
        names.add(profile);
        continue;
      }
      const region = /^\s*region\s*=\s*(\S+)/.exec(line);
      if (region && profile !== undefined && !regions.has(profile)) regions.set(profile, region[1]!);
    }
  }
  return { regions, names };
}

/** A value of `destination.<section>.credentials`, with Athena falling back to the staging keys as the spec says. */
function credential(config: ResolvedConfig, section: "athena" | "filesystem", key: string): string | undefined {
  return config.getString(`destination.${section}.credentials.${key}`);
}

function missing(path: readonly string[], hint?: string): MissingValue {
  return { key: path.join("."), section: path.slice(0, -1).join("."), env: envNameOf(path), ...(hint ? { hint } : {}) };
}

/**
 * Every value an Athena load needs that is not set, found without any network call: the staging
 * bucket, a region for Athena and for S3 (config, `AWS_REGION`, the profile's region, or a custom
 * endpoint), and credentials (keys, a profile, or a source of the AWS default chain: environment
 * keys, `AWS_PROFILE`, web identity, container credentials, shared files). Placeholders count as
 * unset. Instance-metadata credentials (EC2) cannot be seen without a call: set
 * `AWS_EC2_METADATA_DISABLED=false` to vouch for them.
 */
export function findMissingAthenaConfig(config: ResolvedConfig, options: CheckOptions = {}): MissingValue[] {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const found: MissingValue[] = [];
  const bucketUrl = options.needsBucket === false ? undefined : config.getString("destination.filesystem.bucket_url");
  if (options.needsBucket !== false && !isSet(bucketUrl)) found.push(missing(["destination", "filesystem", "bucket_url"], "s3://bucket[/prefix]"));
  const isS3 = isSet(bucketUrl) && bucketUrl.startsWith("s3://");
  const profiles = awsProfiles(env, home);

  const sections: Array<"athena" | "filesystem"> = isS3 ? ["athena", "filesystem"] : ["athena"];
  for (const section of sections) {
    const base = ["destination", section, "credentials"];
    const profile = credential(config, section, "profile_name") ?? env.AWS_PROFILE;
    const hasEndpoint = isSet(credential(config, section, "endpoint_url"));
    const region =
      credential(config, section, "region_name") ??
      (section === "filesystem" ? credential(config, "athena", "region_name") : undefined) ??
      env.AWS_REGION ??
      env.AWS_DEFAULT_REGION ??
      profiles.regions.get(profile ?? "default");
    if (!isSet(region) && !hasEndpoint && !found.some((m) => m.key.endsWith("region_name"))) {
      found.push(missing(["destination", "athena", "credentials", "region_name"], "or AWS_REGION, or a region in the AWS profile"));
    }
    const keyId = credential(config, section, "aws_access_key_id");
    const secret = credential(config, section, "aws_secret_access_key");
    const hasKeys = isSet(keyId) && isSet(secret);
    if (hasKeys) continue;
    const configuredProfile = credential(config, section, "profile_name");
    if (isSet(configuredProfile)) {
      if (!profiles.names.has(configuredProfile) && !found.some((m) => m.key.endsWith("profile_name"))) {
        found.push({ ...missing([...base, "profile_name"]), hint: `profile "${configuredProfile}" is in neither ~/.aws/config nor ~/.aws/credentials` });
      }
      continue;
    }
    const chain =
      (isSet(env.AWS_ACCESS_KEY_ID) && isSet(env.AWS_SECRET_ACCESS_KEY)) ||
      isSet(env.AWS_PROFILE) ||
      isSet(env.AWS_WEB_IDENTITY_TOKEN_FILE) ||
      isSet(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) ||
      isSet(env.AWS_CONTAINER_CREDENTIALS_FULL_URI) ||
      env.AWS_EC2_METADATA_DISABLED === "false" ||
      profiles.names.size > 0;
    if (chain) continue;
    if (found.some((m) => m.key.endsWith("aws_access_key_id"))) continue;
    const keyPath = ["destination", section, "credentials", "aws_access_key_id"];
    const secretPath = ["destination", section, "credentials", "aws_secret_access_key"];
    if (!isSet(keyId)) found.push(missing(keyPath, "or a profile_name, or the AWS default chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws/credentials)"));
    if (!isSet(secret)) found.push(missing(secretPath));
  }
  return found;
}

/**
 * Throws one {@link ConfigError} (exit code 2) naming every missing value's TOML section, key and
 * environment variable, before anything touches the network.
 */
export function checkAthenaConfig(config: ResolvedConfig, options: CheckOptions = {}): void {
  const optional = /\.(region_name|aws_access_key_id|aws_secret_access_key)$/;
  const found = findMissingAthenaConfig(config, options).filter((m) => options.credentialsOptional !== true || !optional.test(m.key));
  if (found.length === 0) return;
  const lines = found.map((m) => `  ${tomlNameOf(m.key.split("."))} (environment: ${m.env})${m.hint ? `: ${m.hint}` : ""}`);
  throw new ConfigError(
    "missing_config",
    `The athena destination is missing configuration (a "${PLACEHOLDER}" placeholder counts as missing):\n${lines.join("\n")}\n` +
      `Set them in .dlt/secrets.toml (or the environment variables), or run with --local to use the embedded local engine.`,
    { meta: { missing: found.map((m) => ({ key: m.key, section: m.section, env: m.env })) } },
  );
}
