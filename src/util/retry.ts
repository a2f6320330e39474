/**
 * Generic retry with exponential backoff and full jitter. The policy is data (attempts, base,
 * cap) plus a classifier; sleep and randomness are injected so tests run instantly and
 * deterministically.
 *
 * Full jitter (`delay = random() * min(cap, base * 2^n)`) is the variant the AWS Architecture
 * blog recommends for contended services ("Exponential Backoff And Jitter", 2015): it spreads
 * retries of many concurrent clients best, which is exactly the S3 SlowDown situation.
 */

/** Retry policy knobs; every field has a default. */
export interface RetryOptions {
  /** Total attempts including the first one. Default 5. */
  readonly attempts?: number;
  /** Backoff base in milliseconds (delay ceiling of the first retry). Default 100. */
  readonly baseMs?: number;
  /** Upper bound of any single delay in milliseconds. Default 10_000. */
  readonly capMs?: number;
  /** Decides whether an error may succeed when tried again. Default: never. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Injected for tests; default is a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests; must return a number in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Called before each sleep, e.g. to count or log retries. */
  readonly onRetry?: (info: { readonly attempt: number; readonly delayMs: number; readonly error: unknown }) => void;
}

/** Thrown (by {@link retry}) when every attempt failed; `cause` is the last error. */
export class RetryExhaustedError extends Error {
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`gave up after ${attempts} attempt(s): ${describeError(cause)}`, { cause });
    this.name = "RetryExhaustedError";
    this.attempts = attempts;
  }
}

export const DEFAULT_RETRY = { attempts: 5, baseMs: 100, capMs: 10_000 } as const;

/**
 * The delay before retry number `retryIndex` (0 for the first retry), with full jitter.
 *
 * @example
 * backoffDelay(3, { baseMs: 100, capMs: 10_000, random: () => 0.5 }); // 0.5 * 800 = 400
 */
export function backoffDelay(
  retryIndex: number,
  options: { readonly baseMs: number; readonly capMs: number; readonly random: () => number },
): number {
  // 2 ** 40 already exceeds any sane cap; clamping the exponent avoids Infinity.
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(retryIndex, 40));
  return Math.floor(options.random() * ceiling);
}

/**
 * Runs `fn` until it succeeds, the error is not retryable, or `attempts` are used up. A
 * non-retryable error is rethrown as is; exhaustion throws {@link RetryExhaustedError}
 * whose `cause` is the last error, so callers can tell "gave up" from "failed".
 *
 * @example
 * const body = await retry(() => fetchPage(token), {
 *   attempts: 4,
 *   isRetryable: (e) => (e as { status?: number }).status === 503,
 * });
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts ?? DEFAULT_RETRY.attempts));
  const baseMs = options.baseMs ?? DEFAULT_RETRY.baseMs;
  const capMs = options.capMs ?? DEFAULT_RETRY.capMs;
  const isRetryable = options.isRetryable ?? (() => false);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt >= attempts) throw new RetryExhaustedError(attempt, error);
      const delayMs = backoffDelay(attempt - 1, { baseMs, capMs, random });
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
