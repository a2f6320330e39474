/**
 * S3 as a staging bucket, on @aws-sdk/client-s3 (+ lib-storage for multipart uploads).
 *
 * Retry ownership: every single request runs with SDK `maxAttempts: 1` inside our
 * {@link retry} (full-jitter backoff, {@link isRetryableS3Error}), so one policy and one terminal
 * error ("… failed after N attempts") cover puts, gets, list pages and delete batches. Multipart
 * uploads are the exception: lib-storage drives many part requests, so its client gets
 * {@link createSdkRetryStrategy}, the same policy applied per part by the SDK.
 */
import { stat, readFile } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { ConfigError, LoadError } from "../errors.js";
import { DEFAULT_RETRY, retry, type RetryOptions } from "../util/retry.js";
import { countRetry } from "../util/retry-counts.js";
import { parseBucketUrl } from "./bucket-url.js";
import { DELETE_BATCH_SIZE, type ObjectInfo, type ObjectStore, type PutBody } from "./object-store.js";
import { createSdkRetryStrategy, isRetryableS3Error, translateS3Error } from "./s3-errors.js";

const MiB = 1024 * 1024;

/** Explicit keys, as `[destination.filesystem.credentials]` holds them. */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3StoreOptions {
  /** `s3://bucket[/prefix]`; keys are relative to it. */
  readonly bucketUrl: string;
  /** `region_name`. Without it the SDK's chain decides; with an `endpointUrl` it defaults to us-east-1. */
  readonly region?: string;
  /** `endpoint_url` of an S3-compatible store (MinIO, s3rver, R2, …). */
  readonly endpointUrl?: string;
  /** Explicit keys or an SDK provider (profile, SSO, IMDS…); default: the AWS default chain. */
  readonly credentials?: S3Credentials | S3ClientConfig["credentials"];
  /** Attempts per request (default 5), backoff base and cap in ms. */
  readonly retry?: { readonly attempts?: number; readonly baseMs?: number; readonly capMs?: number };
  /** Bodies larger than this go multipart (default 16 MiB). */
  readonly multipartThreshold?: number;
  /** Multipart part size (default 16 MiB; S3's minimum is 5 MiB). */
  readonly partSize?: number;
  /** Parts in flight per multipart upload (default 4). */
  readonly partConcurrency?: number;
  /** ListObjectsV2 page size (default 1000, S3's maximum). */
  readonly listPageSize?: number;
  /** Injected in tests to make backoff instant and deterministic. */
  readonly sleep?: RetryOptions["sleep"];
  readonly random?: RetryOptions["random"];
}

/**
 * True when an endpoint is AWS itself (`*.amazonaws.com`, China regions included). Any other
 * host gets path-style addressing and `WHEN_REQUIRED` checksums, which S3-compatible servers
 * need (s3rver stores aws-chunked framing verbatim otherwise; dependencies-probe §4).
 *
 * @example
 * isAwsEndpoint("https://s3.eu-west-1.amazonaws.com"); // true
 * isAwsEndpoint("http://127.0.0.1:9000");              // false
 */
export function isAwsEndpoint(endpointUrl: string): boolean {
  const host = new URL(endpointUrl).hostname.toLowerCase();
  return /(^|\.)amazonaws\.com(\.cn)?$/.test(host);
}

/**
 * Builds the SDK client config from our options (exported for tests and for the Athena client).
 *
 * @example
 * new S3Client(s3ClientConfig({ bucketUrl: "s3://b", endpointUrl: "http://127.0.0.1:4568" }));
 */
export function s3ClientConfig(options: S3StoreOptions): S3ClientConfig {
  const config: S3ClientConfig = { maxAttempts: 1 };
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  if (options.endpointUrl !== undefined) {
    if (!/^https?:\/\/[^/\s]+/i.test(options.endpointUrl) || !URL.canParse(options.endpointUrl)) {
      throw new ConfigError(
        "invalid_endpoint_url",
        `Invalid endpoint_url '${options.endpointUrl}': expected an http(s) URL such as 'http://127.0.0.1:9000'.`,
        { meta: { endpoint_url: options.endpointUrl } },
      );
    }
    config.endpoint = options.endpointUrl;
    config.region ??= "us-east-1";
    if (!isAwsEndpoint(options.endpointUrl)) {
      config.forcePathStyle = true;
      config.requestChecksumCalculation = "WHEN_REQUIRED";
      config.responseChecksumValidation = "WHEN_REQUIRED";
    }
  }
  return config;
}

/**
 * Creates an S3 store.
 *
 * @example
 * const store = createS3Store({ bucketUrl: "s3://my-lake/raw", region: "eu-west-1" });
 * await store.put("shop_data/orders/1.a.parquet", { path: "/tmp/job.parquet" });
 */
export function createS3Store(options: S3StoreOptions): S3Store {
  return new S3Store(options);
}

export class S3Store implements ObjectStore {
  readonly url: string;
  readonly bucket: string;
  /** The bucket URL prefix as a key prefix: `raw/` or `` for the bucket root. */
  readonly rootPrefix: string;
  private readonly client: S3Client;
  private readonly uploadClient: S3Client;
  private readonly retryOptions: RetryOptions;
  private readonly secrets: string[];
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly partConcurrency: number;
  private readonly listPageSize: number;

  constructor(options: S3StoreOptions) {
    const parsed = parseBucketUrl(options.bucketUrl, { projectDir: "/" });
    if (parsed.kind !== "s3") {
      throw new ConfigError("invalid_bucket_url", `S3 store needs an s3:// bucket_url, got '${options.bucketUrl}'.`);
    }
    this.url = parsed.url;
    this.bucket = parsed.bucket;
    this.rootPrefix = parsed.prefix === "" ? "" : `${parsed.prefix}/`;
    const policy = { ...DEFAULT_RETRY, ...options.retry };
    this.retryOptions = { ...policy, isRetryable: isRetryableS3Error, sleep: options.sleep, random: options.random, onRetry: () => countRetry("s3") };
    const config = s3ClientConfig(options);
    this.client = new S3Client(config);
    this.uploadClient = new S3Client({
      ...config,
      maxAttempts: policy.attempts,
      retryStrategy: createSdkRetryStrategy({ ...policy, random: options.random, onRetry: () => countRetry("s3") }),
    });
    const creds = options.credentials as Partial<S3Credentials> | undefined;
    this.secrets = [creds?.secretAccessKey, creds?.sessionToken].filter((s): s is string => typeof s === "string");
    this.multipartThreshold = options.multipartThreshold ?? 16 * MiB;
    this.partSize = Math.max(5 * MiB, options.partSize ?? 16 * MiB);
    this.partConcurrency = options.partConcurrency ?? 4;
    this.listPageSize = options.listPageSize ?? 1000;
  }

  async put(key: string, body: PutBody): Promise<void> {
    const Key = this.keyOf(key);
    if (body instanceof Readable) {
      // A stream cannot be replayed, so only lib-storage's per-part retries apply (parts are buffered).
      await this.call("Upload", key, () => this.multipart(Key, body), false);
      return;
    }
    if (typeof body === "string" || body instanceof Uint8Array) {
      const bytes = typeof body === "string" ? Buffer.from(body) : body;
      if (bytes.byteLength > this.multipartThreshold) {
        await this.call("Upload", key, () => this.multipart(Key, bytes), false);
      } else {
        await this.call("PutObject", key, () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: bytes })));
      }
      return;
    }
    const { size } = await stat(body.path);
    if (size > this.multipartThreshold) {
      await this.call("Upload", key, () => this.multipart(Key, createReadStream(body.path)), false);
      return;
    }
    // Small files are read per attempt: a Buffer body is replayable and needs no ContentLength.
    await this.call("PutObject", key, async () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: await readFile(body.path) })),
    );
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await this.call("GetObject", key, async () => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
        // Reading the body inside the attempt means a reset mid-download is retried too.
        return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
      });
    } catch (error) {
      if (error instanceof LoadError && (error.meta["s3_error"] === "NoSuchKey" || error.meta["http_status"] === 404)) {
        throw new LoadError("staging_object_not_found", `No object at ${this.url}/${key}.`, { meta: { key }, cause: error });
      }
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.call("HeadObject", key, () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) })));
      return true;
    } catch (error) {
      if (error instanceof LoadError && error.meta["http_status"] === 404) return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.call("ListObjectsV2", prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.rootPrefix + prefix,
            ContinuationToken: token,
            MaxKeys: this.listPageSize,
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield { key: object.Key.slice(this.rootPrefix.length), size: object.Size ?? 0 };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH_SIZE) {
      const batch = keys.slice(i, i + DELETE_BATCH_SIZE);
      const first = batch[0] ?? "";
      const out = await this.call("DeleteObjects", first, () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((k) => ({ Key: this.keyOf(k) })), Quiet: true },
          }),
        ),
      );
      // DeleteObjects answers 200 even when single keys fail; those are listed in Errors.
      const failed = (out.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
      if (failed.length > 0) {
        const sample = failed.slice(0, 3).map((e) => `s3://${this.bucket}/${e.Key ?? "?"} (${e.Code ?? "error"})`);
        throw new LoadError(
          "staging_delete_failed",
          `S3 DeleteObjects could not delete ${failed.length} of ${batch.length} object(s) under ${this.url}, e.g. ${sample.join(", ")}.`,
          { meta: { keys: failed.map((e) => e.Key ?? null), codes: failed.map((e) => e.Code ?? null) } },
        );
      }
    }
  }

  /** Releases the HTTP sockets (keep-alive) of both clients. */
  destroy(): void {
    this.client.destroy();
    this.uploadClient.destroy();
  }

  private async multipart(Key: string, Body: Uint8Array | Readable): Promise<void> {
    const upload = new Upload({
      client: this.uploadClient,
      params: { Bucket: this.bucket, Key, Body },
      partSize: this.partSize,
      queueSize: this.partConcurrency,
      // On failure lib-storage aborts the multipart upload, so no orphan parts stay billed.
      leavePartsOnError: false,
    });
    await upload.done();
  }

  /**
   * Runs one request under the retry policy and translates the failure (naming the key).
   * `retried: false` is for multipart uploads, whose parts the SDK already retries.
   */
  private async call<T>(operation: string, key: string, fn: () => Promise<T>, retried = true): Promise<T> {
    try {
      return retried ? await retry(fn, this.retryOptions) : await fn();
    } catch (error) {
      throw translateS3Error(error, { operation, url: `${this.url}/${key}`, key, secrets: this.secrets });
    }
  }

  private keyOf(key: string): string {
    if (key === "" || key.startsWith("/")) {
      throw new LoadError("invalid_staging_key", `The key '${key}' is not relative to ${this.url}.`, { meta: { key } });
    }
    return this.rootPrefix + key;
  }
}
