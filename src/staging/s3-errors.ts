/**
 * S3 error handling in one place (STYLE §2.3 habit 6): which failures are worth retrying, the
 * SDK retry strategy that applies our policy to multipart parts, and the translation of SDK
 * errors into LoadErrors with no secrets in them.
 */
import { LoadError } from "../errors.js";
import { backoffDelay, RetryExhaustedError } from "../util/retry.js";
import { isRetryableSdkError } from "../util/sdk-errors.js";
import type { SdkErrorShape } from "../util/sdk-errors.js";
import { scrubSecrets } from "../config/redact.js";

// Error codes S3 (and S3-compatible stores) use for "slow down". Source: S3 error responses
// list + the SDK's THROTTLING_ERROR_CODES (smithy service-error-classification).
const THROTTLING_CODES = new Set([
  "SlowDown", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
  "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
  "BandwidthLimitExceeded", "ProvisionedThroughputExceededException", "EC2ThrottledException",
]);
const TRANSIENT_CODES = new Set([
  "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeoutException",
  "TimeoutError", "IDPCommunicationError", "OperationAborted",
]);
const RETRYABLE_CODES: ReadonlySet<string> = new Set([...THROTTLING_CODES, ...TRANSIENT_CODES]);
/**
 * True for throttling (SlowDown, 503, 429), 5xx and network resets.
 *
 * @example
 * isRetryableS3Error(Object.assign(new Error("x"), { name: "SlowDown" })); // true
 */
export function isRetryableS3Error(error: unknown): boolean {
  return isRetryableSdkError(error, RETRYABLE_CODES);
}

/** The policy the SDK adapter needs. */
export interface SdkRetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
  readonly random?: () => number;
  /** Called for each retry granted (the load summary counts them). */
  readonly onRetry?: () => void;
}

interface RetryTokenLike {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/**
 * An SDK `retryStrategy` (RetryStrategyV2 shape) applying our classifier and full-jitter backoff.
 * Used only for lib-storage multipart uploads: their parts are Buffers the SDK can resend, and
 * retrying one part beats restarting a 200 MB upload. Every other call uses `maxAttempts: 1`
 * plus {@link retry} around it.
 *
 * @example
 * new S3Client({ retryStrategy: createSdkRetryStrategy({ attempts: 5, baseMs: 100, capMs: 10_000 }) });
 */
export function createSdkRetryStrategy(policy: SdkRetryPolicy) {
  const token = (count: number, delay: number): RetryTokenLike => ({
    getRetryCount: () => count,
    getRetryDelay: () => delay,
  });
  return {
    acquireInitialRetryToken: async (_scope: string): Promise<RetryTokenLike> => token(0, 0),
    refreshRetryTokenForRetry: async (
      previous: RetryTokenLike,
      info: { readonly error?: unknown; readonly errorType: string },
    ): Promise<RetryTokenLike> => {
      const retries = previous.getRetryCount();
      // Throwing here tells the SDK to give up and surface the original error.
      if (retries + 1 >= policy.attempts || !isRetryableS3Error(info.error)) throw new Error("no retry");
      const delay = backoffDelay(retries, { baseMs: policy.baseMs, capMs: policy.capMs, random: policy.random ?? Math.random });
      policy.onRetry?.();
      return token(retries + 1, delay);
    },
    recordSuccess: (_token: RetryTokenLike): void => {},
  };
}

/**
 * Turns an SDK failure into a LoadError naming the operation and the object URL. `secrets` are
 * scrubbed from the text in case a server echoes a credential back.
 *
 * @example
 * throw translateS3Error(error, { operation: "PutObject", url: "s3://b/k", key: "k", secrets: [] });
 */
export function translateS3Error(
  error: unknown,
  context: { readonly operation: string; readonly url: string; readonly key: string; readonly secrets: readonly string[] },
): LoadError {
  if (error instanceof LoadError) return error;
  const exhausted = error instanceof RetryExhaustedError;
  const last = exhausted ? error.cause : error;
  const e = (typeof last === "object" && last !== null ? last : {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? e.code ?? "Error";
  const what = [name, status === undefined ? undefined : `HTTP ${status}`].filter(Boolean).join(", ");
  const detail = typeof e.message === "string" && e.message !== "" && e.message !== name ? `: ${e.message}` : "";
  const tries = exhausted ? ` after ${error.attempts} attempts` : "";
  const hint = hintFor(name, status);
  const message = scrubSecrets(`S3 ${context.operation} of ${context.url} failed${tries} (${what})${detail}.${hint}`, context.secrets);
  return new LoadError(exhausted ? "staging_retries_exhausted" : "staging_request_failed", message, {
    cause: error,
    // Exhausted retries may pass on a later run; a 403 or a missing bucket will not.
    isTransient: exhausted || isRetryableS3Error(last),
    meta: { operation: context.operation, key: context.key, url: context.url, s3_error: name, http_status: status ?? null },
  });
}

function hintFor(name: string, status: number | undefined): string {
  if (name === "NoSuchBucket") return " The bucket does not exist: check bucket_url and region_name.";
  if (name === "AccessDenied" || status === 403) {
    return " Check the credentials in [destination.filesystem.credentials] and the bucket policy.";
  }
  if (name === "PermanentRedirect" || status === 301) return " The bucket is in another region: set region_name.";
  return "";
}
