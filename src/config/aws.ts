import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { ConfigError } from "../errors.js";
import { registerAwsCredentials } from "../util/secrets.js";
import { envNameOf, tomlNameOf } from "./spec.js";
import type { ResolvedConfig } from "./resolve.js";

/** Static keys or a provider, as every AWS SDK v3 client accepts them. */
export type AwsCredentials = NonNullable<S3ClientConfig["credentials"]>;

/** The part of an AWS SDK client's configuration that comes from `.credentials` sections. */
export interface AwsClientSettings {
  readonly region?: string;
  readonly endpoint?: string;
  /** A named profile; the SDK reads its region and credentials from ~/.aws/config and ~/.aws/credentials. */
  readonly profile?: string;
  readonly credentials?: AwsCredentials;
  /** True when `endpoint_url` points somewhere other than AWS (S3-compatible stores, local fakes). */
  readonly isCustomEndpoint: boolean;
  /** Explicit secret values, so error texts from libraries can be scrubbed of them. */
  readonly secrets: readonly string[];
}

export type CredentialSection = "filesystem" | "athena";

/**
 * AWS settings for one destination section: explicit keys (with an optional session token), else
 * `profile_name`, else the SDK's default provider chain (environment, SSO, IMDS, …).
 *
 * @example const s3 = new S3Client({ ...awsSettingsFor(config, "filesystem") });
 */
export function awsSettingsFor(config: ResolvedConfig, section: CredentialSection): AwsClientSettings {
  const key = (name: string) => `destination.${section}.credentials.${name}`;
  const accessKeyId = config.getString(key("aws_access_key_id"));
  const secretAccessKey = config.getString(key("aws_secret_access_key"));
  const sessionToken = config.getString(key("aws_session_token"));
  const profile = config.getString(key("profile_name"));
  const region = config.getString(key("region_name"));
  const endpoint = config.getString(key("endpoint_url"));

  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    const [given, missing] = accessKeyId === undefined
      ? ["aws_secret_access_key", "aws_access_key_id"]
      : ["aws_access_key_id", "aws_secret_access_key"];
    const path = ["destination", section, "credentials", missing];
    throw new ConfigError(
      "incomplete_credentials",
      `${given} is set but ${tomlNameOf(path)} is missing: set both keys (or neither, to use the AWS default credential chain); the environment variable is ${envNameOf(path)}.`,
      { meta: { key: path.join("."), env: envNameOf(path) } },
    );
  }
  const credentials =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
      : undefined;
  return {
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(profile && !credentials ? { profile } : {}),
    ...(credentials ? { credentials } : {}),
    isCustomEndpoint: endpoint !== undefined && !isAwsHost(endpoint),
    secrets: [secretAccessKey, sessionToken].filter((s): s is string => typeof s === "string"),
  };
}

function isAwsHost(endpoint: string): boolean {
  try {
    return /\.amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/**
 * The credentials to hand an SDK client: the explicit keys, else a provider for the profile, else
 * the default chain. The provider package is imported lazily so `--help` stays fast.
 */
export async function credentialsFor(settings: AwsClientSettings): Promise<AwsCredentials> {
  if (settings.credentials) return settings.credentials;
  const providers = await import("@aws-sdk/credential-providers");
  const provider = settings.profile ? providers.fromIni({ profile: settings.profile }) : providers.fromNodeProviderChain();
  // Whatever the profile, SSO or session resolves to is masked in every output from then on.
  return async () => {
    const credentials = await provider();
    registerAwsCredentials(credentials);
    return credentials;
  };
}
