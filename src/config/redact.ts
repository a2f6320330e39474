import { maskSecrets } from "../util/secrets.js";

/**
 * How a secret is shown anywhere the tool prints: never the value. An access key id keeps its
 * last four characters so a user can tell which key is configured, as the AWS console does.
 *
 * @example redactSecret("AKIAABCDEFGHIJKLMNOP", "aws_access_key_id") // → "****MNOP"
 */
export function redactSecret(value: unknown, key: string): string {
  if (typeof value !== "string" || value.length === 0) return "****";
  if (key === "aws_access_key_id" && value.length >= 16) return `****${value.slice(-4)}`;
  return "****";
}

/**
 * Replaces every occurrence of the given secret values, and of every credential the run has
 * registered (util/secrets.ts), in a text (for errors from libraries).
 */
export function scrubSecrets(text: string, secrets: Iterable<string> = []): string {
  return maskSecrets(text, secrets);
}
