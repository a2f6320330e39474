import { describe, expect, it } from "vitest";
import {
  columnHints,
  formatPipelineInfo,
  formatSchema,
  formatTrace,
  packageStatus,
  summarizeSchema,
  traceFromFile,
} from "../../../src/cli/output/pipeline-text.js";
import type { PipelineInfo } from "../../../src/cli/output/pipeline-text.js";
import { child, schemaOf, table } from "../destination/athena/fixtures.js";

const shop = schemaOf([
  table("orders", { id: { dataType: "bigint", nullable: false, primaryKey: true }, total: { dataType: "decimal", precision: 38, scale: 9 } }, { writeDisposition: "merge" }),
  child("orders", "items", { sku: "text" }),
]);

describe("summarizeSchema", () => {
  it("gives child tables their root's disposition and format", () => {
    const tables = Object.fromEntries(summarizeSchema(shop, false).tables.map((t) => [t.name, t]));
    expect(tables.orders__items).toMatchObject({ parent: "orders", write_disposition: "merge", table_format: "hive" });
    expect(tables._dlt_version).toMatchObject({ write_disposition: "skip", table_format: "iceberg", has_data: true });
  });

  it("makes tables Iceberg with force_iceberg", () => {
    expect(summarizeSchema(shop, true).tables.find((t) => t.name === "orders")?.table_format).toBe("iceberg");
  });
});

describe("packageStatus", () => {
  it("names normalized packages pending and unfinished extracts incomplete", () => {
    expect(["normalized", "loaded", "aborted", "extracted"].map((s) => packageStatus(s as never))).toEqual(["pending", "loaded", "aborted", "incomplete"]);
  });
});

describe("traceFromFile", () => {
  it("turns the pipeline's camelCase trace into snake_case and keeps step errors", () => {
    const trace = traceFromFile({ steps: [{ step: "load", startedAt: "2024-01-01T00:00:00.000Z", seconds: 1.5, error: "boom" }] });
    expect(trace).toEqual({ steps: [{ step: "load", started_at: "2024-01-01T00:00:00.000Z", seconds: 1.5, error: "boom" }], load_info: null });
    expect(traceFromFile(undefined)).toBeNull();
  });

  it("prints a failed run without load info", () => {
    const text = formatTrace("shop", traceFromFile({ steps: [{ step: "extract", startedAt: "t", seconds: 0.2, error: "bad\nrow" }] }));
    expect(text).toContain("step extract  0.200 s  (started t)  FAILED: bad row");
    expect(text).toContain("the run failed before it finished");
    expect(formatTrace("shop", null)).toContain("no run trace yet");
  });
});

describe("formatSchema", () => {
  it("lists columns with types, precision and hints", () => {
    const text = formatSchema(shop, false);
    expect(text).toContain("orders: 4 columns (merge, hive)");
    expect(text).toMatch(/\n {2}id\s+bigint {2}not null, primary key\n/);
    expect(text).toMatch(/\n {2}total\s+decimal\(38,9\)\n/);
    expect(text).toContain("orders__items: 5 columns (child of orders: merge, hive)");
  });

  it("names hints in dlt's words and hides the nullable default", () => {
    expect(columnHints({ name: "x", dataType: "timestamp", nullable: true, timezone: false, partition: true })).toEqual(["partition", "without time zone"]);
  });
});

describe("formatPipelineInfo", () => {
  it("shows pending packages with their failed jobs' reasons on one line", () => {
    const info: PipelineInfo = {
      pipeline_name: "shop",
      dataset_name: "shop_data",
      destination: { name: "athena", location: "s3://lake on awsdatacatalog" },
      working_folder: "/w/shop",
      state: { version: 3, engine_version: 4, version_hash: "h", default_schema_name: "shop", schema_names: ["shop"], last_run_at: null, sources: { shop: {} } },
      schemas: [summarizeSchema(shop, false)],
      packages: [{ load_id: "1.5", state: "normalized", status: "pending", created_at: "t", jobs: [{ job: "orders.a.0.parquet", table: "orders", state: "failed", failure: "HIVE_BAD_DATA:\n  bad" }] }],
      last_run: null,
      config: [],
    };
    const text = formatPipelineInfo(info);
    expect(text).toContain("  shop (version 2, default)");
    expect(text).toContain("  1.5  pending (loads on the next run)");
    expect(text).toContain("    orders.a.0.parquet  failed: HIVE_BAD_DATA: bad");
    expect(text).toContain("(no trace yet)");
  });
});
