import { DltAthenaError } from "../errors.js";

/** The fields AWS SDK v3 errors (and Node socket errors) carry that tell what went wrong. */
export interface SdkErrorShape {
  name?: string;
  code?: string;
  /** S3's XML error code. */
  Code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  /** Athena's error code on client errors. */
  AthenaErrorCode?: string;
}

// Node socket errors that mean "the connection went away", not "the request was wrong".
const NETWORK_CODES = new Set([
  "ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "ECONNABORTED", "EAI_AGAIN",
  "ENETUNREACH", "EHOSTUNREACH", "ERR_STREAM_PREMATURE_CLOSE", "UND_ERR_SOCKET",
]);
const NETWORK_MESSAGES = /socket hang up|ECONNRESET|EPIPE|premature close|network|aborted/i;

/**
 * Whether an SDK call is worth retrying: HTTP 429 and 5xx, the service's own throttling and
 * transient codes (`retryableCodes`), errors the SDK marks retryable, and lost connections —
 * looking through `cause` chains. Our own errors answer with their `isTransient` flag.
 *
 * @example isRetryableSdkError(Object.assign(new Error("x"), { name: "SlowDown" }), new Set(["SlowDown"])); // true
 */
export function isRetryableSdkError(error: unknown, retryableCodes: ReadonlySet<string>): boolean {
  if (typeof error !== "object" || error === null) return false;
  if (error instanceof DltAthenaError) return error.isTransient;
  const e = error as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  for (const code of [e.name, e.code, e.Code]) {
    if (code !== undefined && (retryableCodes.has(code) || NETWORK_CODES.has(code))) return true;
  }
  if (e.$retryable !== undefined) return true;
  // Socket failures reach us before any HTTP status exists, sometimes without a code.
  if (status === undefined && typeof e.message === "string" && NETWORK_MESSAGES.test(e.message)) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isRetryableSdkError(cause, retryableCodes);
}
