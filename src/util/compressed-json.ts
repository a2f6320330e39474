import { deflateSync, inflateSync } from "node:zlib";
import { DltAthenaError } from "../errors.js";

/**
 * dlt's encoding for the state and for large schemas: zlib (level 9), then base64.
 *
 * @example compressText('{"a":1}'); // "eNqrVkpUsjKsBQAIvAIm"-like
 */
export function compressText(text: string): string {
  return deflateSync(Buffer.from(text, "utf8"), { level: 9 }).toString("base64");
}

/** JSON, compressed as {@link compressText}. */
export function encodeCompressedJson(value: unknown): string {
  return compressText(JSON.stringify(value));
}

/**
 * Decodes base64 zlib JSON, falling back to plain JSON as dlt's readers do (small schemas are
 * stored uncompressed).
 *
 * @throws DltAthenaError `invalid_state` when the text is neither.
 * @example decodeCompressedJson('{"a":1}'); // { a: 1 }
 */
export function decodeCompressedJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && /^[A-Za-z0-9+/=\s]+$/.test(trimmed)) {
    try {
      return JSON.parse(inflateSync(Buffer.from(trimmed, "base64")).toString("utf8"));
    } catch {
      // not compressed after all: try plain JSON below
    }
  }
  try {
    return JSON.parse(trimmed);
  } catch (cause) {
    throw new DltAthenaError("invalid_state", "load", "The stored state or schema is neither base64 zlib JSON nor JSON.", { cause });
  }
}
