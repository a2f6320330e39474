import { describe, expect, it } from "vitest";
import {
  datasetFolderUrl,
  datasetKeyPrefix,
  objectUrl,
  parseBucketUrl,
  tableLocation,
} from "../../../src/staging/bucket-url.js";

const o = { projectDir: "/home/me/project" };

describe("parseBucketUrl", () => {
  it.each([
    ["s3://my-lake", { kind: "s3", url: "s3://my-lake", bucket: "my-lake", prefix: "" }],
    ["s3://my-lake/", { kind: "s3", url: "s3://my-lake", bucket: "my-lake", prefix: "" }],
    ["s3://my-lake/raw", { kind: "s3", url: "s3://my-lake/raw", bucket: "my-lake", prefix: "raw" }],
    ["s3://my-lake/raw/2024/", { kind: "s3", url: "s3://my-lake/raw/2024", bucket: "my-lake", prefix: "raw/2024" }],
    ["  s3://my.lake-1//raw  ", { kind: "s3", url: "s3://my.lake-1/raw", bucket: "my.lake-1", prefix: "raw" }],
    ["file:///var/data/bucket", { kind: "file", url: "file:///var/data/bucket", path: "/var/data/bucket" }],
    ["file:///var/data/bucket/", { kind: "file", url: "file:///var/data/bucket", path: "/var/data/bucket" }],
    ["file://.dlt/local/bucket", { kind: "file", url: "file:///home/me/project/.dlt/local/bucket", path: "/home/me/project/.dlt/local/bucket" }],
    ["file://../shared/bucket", { kind: "file", url: "file:///home/me/shared/bucket", path: "/home/me/shared/bucket" }],
    ["file:///tmp/my%20dir", { kind: "file", url: "file:///tmp/my dir", path: "/tmp/my dir" }],
    ["/abs/bucket", { kind: "file", url: "file:///abs/bucket", path: "/abs/bucket" }],
    ["rel/bucket", { kind: "file", url: "file:///home/me/project/rel/bucket", path: "/home/me/project/rel/bucket" }],
  ])("parses %s", (raw, expected) => {
    expect(parseBucketUrl(raw, o)).toEqual(expected);
  });

  it.each([
    ["", "empty"],
    ["s3://", "not a valid S3 bucket name"],
    ["s3://My_Bucket/raw", "not a valid S3 bucket name"],
    ["s3://bucket/raw/../other", "'..'"],
    ["gs://bucket/raw", "scheme 'gs://' is not supported"],
    ["file://", "no path"],
    ["file:///", "file system root"],
  ])("rejects %j with invalid_bucket_url", (raw, detail) => {
    expect(() => parseBucketUrl(raw, o)).toThrow(detail);
    try {
      parseBucketUrl(raw, o);
    } catch (error) {
      expect(error).toMatchObject({ code: "invalid_bucket_url", kind: "config" });
    }
  });
});

describe("dataset folders and table locations", () => {
  const withSlash = parseBucketUrl("s3://my-lake/raw/", o);
  const root = parseBucketUrl("s3://my-lake", o);

  it("builds the dataset folder with one trailing slash", () => {
    expect(datasetFolderUrl(withSlash, "shop_data")).toBe("s3://my-lake/raw/shop_data/");
    expect(datasetFolderUrl(root, "shop_data/")).toBe("s3://my-lake/shop_data/");
    expect(datasetKeyPrefix("shop_data")).toBe("shop_data/");
  });

  it("never produces // in a table LOCATION, even when bucket_url ends in / (dlt would)", () => {
    expect(tableLocation(withSlash, "shop_data", "orders")).toBe("s3://my-lake/raw/shop_data/orders/");
    expect(tableLocation(withSlash, "shop_data_staging", "orders/")).toBe("s3://my-lake/raw/shop_data_staging/orders/");
    expect(tableLocation(parseBucketUrl("file:///tmp/b/", o), "d", "t")).toBe("file:///tmp/b/d/t/");
  });

  it("builds object URLs from keys", () => {
    expect(objectUrl(withSlash, "shop_data/orders/1.a.parquet")).toBe("s3://my-lake/raw/shop_data/orders/1.a.parquet");
  });

  it.each(["", "/", "..", "a/../b", "./x"])("refuses the dataset name %j", (name) => {
    expect(() => datasetKeyPrefix(name)).toThrow(/Invalid dataset name/);
  });
});
