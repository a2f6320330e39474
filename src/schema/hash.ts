/**
 * The schema version hash: sha256 (base64) of the canonical JSON of tables and settings. Like dlt's
 * `generate_version_hash`, keys are sorted, so the hash depends on content only, not on the version
 * number or on the order in which hints were applied.
 */
import { createHash } from "node:crypto";

import type { StoredSchema } from "./types.js";

/**
 * JSON with object keys sorted at every level; `undefined` members are left out.
 *
 * @example
 * canonicalJson({ b: 1, a: { d: 2, c: 3 } }); // '{"a":{"c":3,"d":2},"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) {
        sorted[key] = sortKeys(member);
      }
    }
    return sorted;
  }
  return value;
}

/**
 * The version hash of a schema's content (tables and settings).
 *
 * @example
 * hashSchemaContent({ tables: {}, settings: {} }); // "..." (44 chars, base64)
 */
export function hashSchemaContent(content: Pick<StoredSchema, "tables" | "settings">): string {
  const text = canonicalJson({ tables: content.tables, settings: content.settings });
  return createHash("sha256").update(text, "utf8").digest("base64");
}
