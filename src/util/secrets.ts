/**
 * Every credential value the run has seen, from any source (secrets.toml, the environment,
 * `AWS_*` variables, a profile, SSO or session credentials resolved by the SDK), registered once
 * and masked wherever text leaves the process: CLI output, error messages, traces and the JSON
 * files of the working folder. Access key ids keep their last four characters, as the AWS
 * console shows them; every other secret becomes `****`.
 *
 * Kept on globalThis so a script that loaded its own copy of the package shares the registry.
 */
const KEY = Symbol.for("dlt-athena.secrets");
interface Registry {
  /** value → its masked form */
  readonly masks: Map<string, string>;
}
const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
const registry = (): Registry => (holder[KEY] ??= { masks: new Map() });

/** Values shorter than this are not secrets worth masking (and would mangle ordinary text). */
const MIN_SECRET_LENGTH = 4;

/**
 * Registers a secret value; `kind: "access_key_id"` keeps its last four characters when masked.
 *
 * @example registerSecret("AKIAABCDEFGHIJKLMNOP", "access_key_id"); maskSecrets("key AKIAABCDEFGHIJKLMNOP"); // "key ****MNOP"
 */
export function registerSecret(value: unknown, kind: "secret" | "access_key_id" = "secret"): void {
  if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
  const masks = registry().masks;
  const mask = kind === "access_key_id" && value.length >= 12 ? `****${value.slice(-4)}` : "****";
  // A value registered as a full secret stays fully masked.
  if (masks.get(value) === "****") return;
  masks.set(value, mask);
}

/** Registers the parts of an AWS credential object (static keys or what a provider resolved). */
export function registerAwsCredentials(credentials: { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown } | undefined): void {
  if (!credentials) return;
  registerSecret(credentials.accessKeyId, "access_key_id");
  registerSecret(credentials.secretAccessKey);
  registerSecret(credentials.sessionToken);
}

/**
 * Masks every registered secret (and the `extra` values) in `text`. Longer values are replaced
 * first, so a secret that contains another is masked whole.
 *
 * @example maskSecrets("token=abcd1234", ["abcd1234"]); // "token=****"
 */
export function maskSecrets(text: string, extra: Iterable<string> = []): string {
  const masks = new Map(registry().masks);
  for (const value of extra) if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH && !masks.has(value)) masks.set(value, "****");
  if (masks.size === 0) return text;
  let masked = text;
  for (const [value, mask] of [...masks].sort((a, b) => b[0].length - a[0].length)) {
    if (masked.includes(value)) masked = masked.split(value).join(mask);
  }
  return masked;
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  registry().masks.clear();
}
