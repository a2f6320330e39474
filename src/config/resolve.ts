import { join, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { redactSecret } from "./redact.js";
import { CONFIG_SPEC, envNameOf, specOf, tomlNameOf } from "./spec.js";
import type { ConfigKeySpec, ConfigValueType } from "./spec.js";
import { lookupToml, readTomlFile } from "./toml.js";
import { registerSecret } from "../util/secrets.js";
import type { TomlTable } from "./toml.js";

export type ValueSource = "flag" | "env" | "secrets.toml" | "config.toml" | "default";
export type ConfigValue = string | boolean | number | readonly string[];

export interface ConfigLayers {
  /** The project folder holding `.dlt/`. */
  readonly projectDir: string;
  /** Environment variables; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** CLI flags as dotted key paths, e.g. `{ "destination.athena.local": true }`. */
  readonly flags?: Readonly<Record<string, ConfigValue | undefined>>;
}

export interface ResolvedValue {
  readonly value: ConfigValue;
  readonly source: ValueSource;
  /** The file or variable the value came from. */
  readonly origin: string;
}

/** dlt scaffolds this text into placeholders; a value still holding it counts as unset. */
export const PLACEHOLDER = "please set me up!";

/**
 * Resolved configuration with a trace of where each value came from.
 * Precedence, highest first: CLI flags > environment > secrets.toml > config.toml > defaults.
 */
export class ResolvedConfig {
  readonly projectDir: string;
  readonly files: { readonly config: string; readonly secrets: string; readonly configExists: boolean; readonly secretsExists: boolean };
  private readonly layers: {
    readonly flags: Readonly<Record<string, ConfigValue | undefined>>;
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly secrets: TomlTable;
    readonly config: TomlTable;
  };

  constructor(init: {
    projectDir: string;
    files: ResolvedConfig["files"];
    flags: Readonly<Record<string, ConfigValue | undefined>>;
    env: Readonly<Record<string, string | undefined>>;
    secrets: TomlTable;
    config: TomlTable;
  }) {
    this.projectDir = init.projectDir;
    this.files = init.files;
    this.layers = { flags: init.flags, env: init.env, secrets: init.secrets, config: init.config };
    registerCredentials(this.layers);
  }

  #isConfigTomlChecked = false;

  /**
   * A secret in config.toml is refused whenever it is there, not only when it is the value used:
   * the file is meant to be shared, so the secret has already leaked into it.
   */
  #refuseSecretsInConfigToml(): void {
    if (this.#isConfigTomlChecked) return;
    this.#isConfigTomlChecked = true;
    for (const [path, value] of leaves(this.layers.config)) {
      if (value === PLACEHOLDER || !isSecretPath(path)) continue;
      const envName = envNameOf(path);
      throw new ConfigError(
        "secret_in_config",
        `${tomlNameOf(path)} is a secret and must not be kept in ${this.files.config}: move it to ${this.files.secrets} or set ${envName}.`,
        { meta: { key: path.join("."), file: this.files.config } },
      );
    }
  }

  /** The environment this configuration was resolved from (AWS variables are read from it too). */
  get env(): Readonly<Record<string, string | undefined>> {
    return this.layers.env;
  }

  /** The value at a dotted path (`destination.athena.query_result_bucket`), with its origin. */
  lookup(key: string | readonly string[]): ResolvedValue | undefined {
    this.#refuseSecretsInConfigToml();
    const path = typeof key === "string" ? key.split(".") : key;
    const spec = specOf(path);
    const found = this.lookupOwn(path, spec);
    if (found) return found;
    if (spec?.fallback) {
      const fallback = this.lookupOwn(spec.fallback, specOf(spec.fallback));
      if (fallback) return fallback;
    }
    if (spec?.default !== undefined) return { value: spec.default, source: "default", origin: "default" };
    return undefined;
  }

  get(key: string | readonly string[]): ConfigValue | undefined {
    return this.lookup(key)?.value;
  }

  getString(key: string): string | undefined {
    const value = this.get(key);
    return value === undefined ? undefined : String(value);
  }

  getBoolean(key: string): boolean {
    return this.get(key) === true;
  }

  getInteger(key: string): number | undefined {
    const value = this.get(key);
    return typeof value === "number" ? value : undefined;
  }

  /** The value, or a `missing_config` error naming the TOML key and the environment variable. */
  require(key: string): ConfigValue {
    const found = this.lookup(key);
    if (found) return found.value;
    throw this.missing(key.split("."));
  }

  requireString(key: string): string {
    return String(this.require(key));
  }

  /** Every known key with its value (secrets redacted) and origin, for `--json` and `info`. */
  describe(): Array<{ key: string; value: unknown; source: ValueSource }> {
    const rows: Array<{ key: string; value: unknown; source: ValueSource }> = [];
    for (const spec of CONFIG_SPEC) {
      const found = this.lookup(spec.path);
      if (!found) continue;
      const name = spec.path[spec.path.length - 1] ?? "";
      rows.push({
        key: spec.path.join("."),
        value: spec.isSecret || name === "aws_access_key_id" ? redactSecret(found.value, name) : found.value,
        source: found.source,
      });
    }
    return rows;
  }

  private lookupOwn(path: readonly string[], spec: ConfigKeySpec | undefined): ResolvedValue | undefined {
    const dotted = path.join(".");
    const flag = this.layers.flags[dotted];
    if (flag !== undefined) return { value: flag, source: "flag", origin: `--${path[path.length - 1]}` };

    const envName = envNameOf(path);
    const envValue = this.layers.env[envName];
    if (envValue !== undefined && envValue !== "") {
      return { value: parseEnvValue(envValue, spec, envName), source: "env", origin: envName };
    }
    for (const [source, table, file] of [
      ["secrets.toml", this.layers.secrets, this.files.secrets],
      ["config.toml", this.layers.config, this.files.config],
    ] as const) {
      const raw = lookupToml(table, path);
      if (raw === undefined || raw === PLACEHOLDER) continue;
      if (source === "config.toml" && spec?.isSecret) {
        throw new ConfigError(
          "secret_in_config",
          `${tomlNameOf(path)} is a secret and must not be kept in ${file}: move it to ${this.files.secrets} or set ${envName}.`,
          { meta: { key: dotted, file } },
        );
      }
      return { value: checkTomlValue(raw, spec, path, file), source, origin: file };
    }
    return undefined;
  }

  private missing(path: readonly string[]): ConfigError {
    const envName = envNameOf(path);
    const section = path.slice(0, -1).join(".");
    const key = path[path.length - 1];
    const placeholder = [this.layers.secrets, this.layers.config].some((t) => lookupToml(t, path) === PLACEHOLDER);
    const where = [
      `environment variable ${envName} (not set)`,
      `${this.files.secrets} (${this.files.secretsExists ? "found" : "not found"})`,
      `${this.files.config} (${this.files.configExists ? "found" : "not found"})`,
    ];
    return new ConfigError(
      "missing_config",
      `Missing configuration value ${tomlNameOf(path)}${placeholder ? ` (it still holds the placeholder "${PLACEHOLDER}")` : ""}. ` +
        `Set \`${key} = "..."\` under [${section}] in .dlt/secrets.toml or .dlt/config.toml, or set the environment variable ${envName}. ` +
        `Looked in: ${where.join("; ")}.`,
      { meta: { key: path.join("."), env: envName } },
    );
  }
}

/** Leaf names that hold secrets in any section (sources' tokens and passwords included). */
const SECRET_NAME = /(^|_)(secret|password|passwd|token|api_key|apikey|private_key|secret_access_key|session_token)$/i;

/** Whether the value at `path` is a secret: a secret key of the spec, or a secret-looking name. */
export function isSecretPath(path: readonly string[]): boolean {
  return specOf(path)?.isSecret === true || SECRET_NAME.test(path[path.length - 1] ?? "");
}

/** Every `[path, value]` leaf of a TOML table. */
function leaves(table: TomlTable, prefix: readonly string[] = []): Array<[string[], unknown]> {
  const found: Array<[string[], unknown]> = [];
  for (const [key, value] of Object.entries(table)) {
    const path = [...prefix, key];
    if (value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)) found.push(...leaves(value as TomlTable, path));
    else found.push([path, value]);
  }
  return found;
}

/**
 * Registers every credential the layers hold (util/secrets.ts), wherever it is and whether or
 * not it ends up used: spec secrets and access key ids of every layer, secret-looking keys of
 * secrets.toml, and the `AWS_*` variables the SDK's default chain reads.
 */
function registerCredentials(layers: { readonly env: Readonly<Record<string, string | undefined>>; readonly secrets: TomlTable; readonly config: TomlTable }): void {
  for (const table of [layers.secrets, layers.config]) {
    for (const [path, value] of leaves(table)) {
      if (value === PLACEHOLDER) continue;
      if (path[path.length - 1] === "aws_access_key_id") registerSecret(value, "access_key_id");
      else if (isSecretPath(path)) registerSecret(value);
    }
  }
  for (const spec of CONFIG_SPEC) {
    const name = spec.path[spec.path.length - 1];
    if (!spec.isSecret && name !== "aws_access_key_id") continue;
    registerSecret(layers.env[envNameOf(spec.path)], name === "aws_access_key_id" ? "access_key_id" : "secret");
  }
  registerSecret(layers.env["AWS_ACCESS_KEY_ID"], "access_key_id");
  for (const name of ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]) registerSecret(layers.env[name]);
}

function describeType(type: ConfigValueType): string {
  return { string: "a string", boolean: "a boolean (true or false)", integer: "an integer", "string-array": "a list of strings" }[type];
}

function wrongType(path: readonly string[], spec: ConfigKeySpec, origin: string, got: string): ConfigError {
  return new ConfigError(
    "invalid_config_type",
    `${tomlNameOf(path)} in ${origin} must be ${describeType(spec.type)}, got ${got}.`,
    { meta: { key: path.join("."), expected: spec.type, origin } },
  );
}

function describeValue(value: unknown, isSecret: boolean): string {
  if (isSecret) return typeof value;
  return Array.isArray(value) ? "a list" : `${typeof value} ${JSON.stringify(value)}`;
}

function checkTomlValue(raw: unknown, spec: ConfigKeySpec | undefined, path: readonly string[], file: string): ConfigValue {
  if (!spec) return raw as ConfigValue;
  const isOk =
    (spec.type === "string" && typeof raw === "string") ||
    (spec.type === "boolean" && typeof raw === "boolean") ||
    (spec.type === "integer" && typeof raw === "number" && Number.isInteger(raw)) ||
    (spec.type === "string-array" && Array.isArray(raw) && raw.every((v) => typeof v === "string"));
  if (!isOk) throw wrongType(path, spec, file, describeValue(raw, spec.isSecret === true));
  return raw as ConfigValue;
}

/** Environment values are text; typed keys are parsed, unknown keys keep the text. */
function parseEnvValue(text: string, spec: ConfigKeySpec | undefined, envName: string): ConfigValue {
  if (!spec) return text;
  const path = spec.path;
  switch (spec.type) {
    case "string":
      return text;
    case "boolean": {
      const lowered = text.trim().toLowerCase();
      if (["true", "1", "yes"].includes(lowered)) return true;
      if (["false", "0", "no"].includes(lowered)) return false;
      throw wrongType(path, spec, envName, `"${text}"`);
    }
    case "integer": {
      if (!/^-?\d+$/.test(text.trim())) throw wrongType(path, spec, envName, `"${text}"`);
      return Number.parseInt(text, 10);
    }
    case "string-array": {
      if (text.trim().startsWith("[")) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (Array.isArray(parsed) && parsed.every((v) => typeof v === "string")) return parsed as string[];
        } catch {
          // fall through to the type error below
        }
        throw wrongType(path, spec, envName, `"${text}"`);
      }
      return text.split(",").map((part) => part.trim()).filter(Boolean);
    }
    default: {
      const exhaustive: never = spec.type;
      return exhaustive;
    }
  }
}

/**
 * Reads `.dlt/config.toml` and `.dlt/secrets.toml` of a project and layers the environment and
 * CLI flags over them.
 *
 * @example
 * const config = resolveConfig({ projectDir: process.cwd() });
 * config.requireString("destination.filesystem.bucket_url");
 */
export function resolveConfig(layers: ConfigLayers): ResolvedConfig {
  const projectDir = resolve(layers.projectDir);
  const configPath = join(projectDir, ".dlt", "config.toml");
  const secretsPath = join(projectDir, ".dlt", "secrets.toml");
  const config = readTomlFile(configPath);
  const secrets = readTomlFile(secretsPath);
  return new ResolvedConfig({
    projectDir,
    files: { config: configPath, secrets: secretsPath, configExists: config.exists, secretsExists: secrets.exists },
    flags: layers.flags ?? {},
    env: layers.env ?? process.env,
    secrets: secrets.table,
    config: config.table,
  });
}
