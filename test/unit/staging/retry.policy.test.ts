import { describe, expect, it } from "vitest";
import { backoffDelay, retry, RetryExhaustedError } from "../../../src/util/retry.js";

describe("backoffDelay (full jitter)", () => {
  it.each([
    [0, 1, 100],
    [1, 1, 200],
    [3, 0.5, 400],
    [10, 0.999, 9990], // capped at 10 s
    [1000, 1, 10_000], // a huge exponent does not overflow
    [2, 0, 0],
  ])("retry %i with random %d waits %i ms", (index, r, expected) => {
    expect(backoffDelay(index, { baseMs: 100, capMs: 10_000, random: () => r })).toBe(expected);
  });
});

describe("retry", () => {
  const noSleep = { sleep: async (ms: number) => void delays.push(ms), random: () => 1 };
  let delays: number[] = [];

  it("retries retryable errors until success, sleeping with growing delays", async () => {
    delays = [];
    let calls = 0;
    const value = await retry(
      async () => {
        calls++;
        if (calls < 4) throw new Error("busy");
        return "ok";
      },
      { attempts: 5, baseMs: 10, capMs: 1000, isRetryable: () => true, ...noSleep },
    );
    expect(value).toBe("ok");
    expect(calls).toBe(4);
    expect(delays).toEqual([10, 20, 40]);
  });

  it("rethrows a non-retryable error at once", async () => {
    delays = [];
    const boom = new Error("denied");
    await expect(retry(async () => Promise.reject(boom), { isRetryable: () => false, ...noSleep })).rejects.toBe(boom);
    expect(delays).toEqual([]);
  });

  it("gives up after the attempt limit with the last error as cause", async () => {
    delays = [];
    let calls = 0;
    const error = await retry(
      async (attempt) => {
        calls++;
        throw new Error(`fail ${attempt}`);
      },
      { attempts: 3, isRetryable: () => true, ...noSleep },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect((error as RetryExhaustedError).attempts).toBe(3);
    expect(((error as Error).cause as Error).message).toBe("fail 3");
  });

  it("reports each retry through onRetry", async () => {
    const seen: number[] = [];
    await retry(
      async (attempt) => {
        if (attempt === 1) throw new Error("once");
      },
      { isRetryable: () => true, onRetry: (i) => seen.push(i.attempt), sleep: async () => {} },
    );
    expect(seen).toEqual([1]);
  });
});
