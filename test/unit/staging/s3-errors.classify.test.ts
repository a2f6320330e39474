import { describe, expect, it } from "vitest";
import { LoadError } from "../../../src/errors.js";
import { createSdkRetryStrategy, isRetryableS3Error, translateS3Error } from "../../../src/staging/s3-errors.js";
import { isAwsEndpoint, s3ClientConfig } from "../../../src/staging/s3-store.js";
import { RetryExhaustedError } from "../../../src/util/retry.js";

function sdkError(name: string, status?: number, message = "x"): Error {
  return Object.assign(new Error(message), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });
}
function netError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("isRetryableS3Error", () => {
  it.each([
    ["SlowDown 503", sdkError("SlowDown", 503)],
    ["503 without a parsed code (HEAD)", sdkError("Unknown", 503)],
    ["500 InternalError", sdkError("InternalError", 500)],
    ["429", sdkError("TooManyRequestsException", 429)],
    ["RequestTimeout 400", sdkError("RequestTimeout", 400)],
    ["ECONNRESET", netError("ECONNRESET", "read ECONNRESET")],
    ["socket hang up", netError("ECONNRESET", "socket hang up")],
    ["socket hang up without code", new Error("socket hang up")],
    ["EPIPE", netError("EPIPE", "write EPIPE")],
    ["TimeoutError", sdkError("TimeoutError")],
    ["wrapped cause", new Error("upload failed", { cause: netError("ECONNRESET", "reset") })],
  ])("retries %s", (_, error) => {
    expect(isRetryableS3Error(error)).toBe(true);
  });

  it.each([
    ["AccessDenied 403", sdkError("AccessDenied", 403)],
    ["NoSuchBucket 404", sdkError("NoSuchBucket", 404)],
    ["NoSuchKey 404", sdkError("NoSuchKey", 404)],
    ["InvalidAccessKeyId", sdkError("InvalidAccessKeyId", 403)],
    ["a string", "boom"],
    ["a terminal LoadError", new LoadError("x", "y")],
  ])("does not retry %s", (_, error) => {
    expect(isRetryableS3Error(error)).toBe(false);
  });
});

describe("translateS3Error", () => {
  const context = { operation: "PutObject", url: "s3://b/raw/shop/orders/1.parquet", key: "shop/orders/1.parquet", secrets: ["SECRETKEY123"] };

  it("names the operation, the object and the attempts after exhaustion, and is transient", () => {
    const error = translateS3Error(new RetryExhaustedError(5, sdkError("SlowDown", 503, "Please reduce your request rate.")), context);
    expect(error.code).toBe("staging_retries_exhausted");
    expect(error.isTransient).toBe(true);
    expect(error.message).toBe(
      "S3 PutObject of s3://b/raw/shop/orders/1.parquet failed after 5 attempts (SlowDown, HTTP 503): Please reduce your request rate..",
    );
    expect(error.meta).toMatchObject({ key: "shop/orders/1.parquet", http_status: 503, s3_error: "SlowDown" });
  });

  it("gives a hint for access errors and is terminal", () => {
    const error = translateS3Error(sdkError("AccessDenied", 403, "Access Denied"), context);
    expect(error.code).toBe("staging_request_failed");
    expect(error.isTransient).toBe(false);
    expect(error.message).toContain("Check the credentials");
  });

  it("never repeats a secret a server echoed back", () => {
    const error = translateS3Error(sdkError("SignatureDoesNotMatch", 403, "signed with SECRETKEY123"), context);
    expect(error.message).not.toContain("SECRETKEY123");
    expect(error.message).toContain("***");
  });
});

describe("createSdkRetryStrategy", () => {
  it("retries retryable errors up to the attempt limit with full-jitter delays", async () => {
    const strategy = createSdkRetryStrategy({ attempts: 3, baseMs: 100, capMs: 1000, random: () => 0.5 });
    let token = await strategy.acquireInitialRetryToken("s3");
    token = await strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING", error: sdkError("SlowDown", 503) });
    expect([token.getRetryCount(), token.getRetryDelay()]).toEqual([1, 50]);
    token = await strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT", error: netError("ECONNRESET", "x") });
    expect([token.getRetryCount(), token.getRetryDelay()]).toEqual([2, 100]);
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING", error: sdkError("SlowDown", 503) })).rejects.toThrow();
  });

  it("does not retry client errors", async () => {
    const strategy = createSdkRetryStrategy({ attempts: 5, baseMs: 100, capMs: 1000 });
    const token = await strategy.acquireInitialRetryToken("s3");
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "CLIENT_ERROR", error: sdkError("AccessDenied", 403) })).rejects.toThrow();
  });
});

describe("s3ClientConfig", () => {
  it("leaves AWS itself alone", () => {
    expect(isAwsEndpoint("https://s3.eu-west-1.amazonaws.com")).toBe(true);
    expect(isAwsEndpoint("https://bucket.vpce-1a2b.s3.us-east-1.vpce.amazonaws.com")).toBe(true);
    expect(isAwsEndpoint("https://s3.cn-north-1.amazonaws.com.cn")).toBe(true);
    expect(isAwsEndpoint("https://amazonaws.com.evil.example")).toBe(false);
    const config = s3ClientConfig({ bucketUrl: "s3://b", region: "eu-west-1", endpointUrl: "https://s3.eu-west-1.amazonaws.com" });
    expect(config).toMatchObject({ maxAttempts: 1, region: "eu-west-1" });
    expect(config.forcePathStyle).toBeUndefined();
    expect(config.requestChecksumCalculation).toBeUndefined();
  });

  it("uses path style and WHEN_REQUIRED checksums for S3-compatible hosts", () => {
    const config = s3ClientConfig({ bucketUrl: "s3://b", endpointUrl: "http://127.0.0.1:9000" });
    expect(config).toMatchObject({
      maxAttempts: 1,
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  });

  it("passes explicit credentials including the session token", () => {
    const credentials = { accessKeyId: "AKIA", secretAccessKey: "s", sessionToken: "t" };
    expect(s3ClientConfig({ bucketUrl: "s3://b", credentials }).credentials).toBe(credentials);
  });

  it("rejects an endpoint_url that is not a URL", () => {
    expect(() => s3ClientConfig({ bucketUrl: "s3://b", endpointUrl: "localhost:9000x y" })).toThrow(/invalid|Invalid endpoint_url/);
  });
});
