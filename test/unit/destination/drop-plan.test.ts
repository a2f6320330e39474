import { describe, expect, it } from "vitest";
import { formatDropPreview } from "../../../src/cli/commands/drop-preview.js";
import { planDrop } from "../../../src/destination/drop-plan.js";
import type { DropPlanInput } from "../../../src/destination/drop-plan.js";
import { athenaDialect } from "../../../src/destination/athena/dialect.js";
import { duckdbDialect } from "../../../src/destination/local/dialect.js";
import { child, schemaOf, table } from "../destination/athena/fixtures.js";

const shop = schemaOf([
  table("orders", { id: "bigint" }, { writeDisposition: "replace" }),
  child("orders", "items", { sku: "text" }),
  table("customers", { id: "bigint" }, { writeDisposition: "merge", tableFormat: "iceberg", locationTag: "0355b950a5b0" }),
  table("hinted_only", { id: "bigint" }, { seenData: false }),
]);

const input = (overrides: Partial<DropPlanInput> = {}): DropPlanInput => ({
  pipelineName: "shop",
  schemas: [shop],
  catalog: "awsdatacatalog",
  datasetName: "shop_data",
  stagingDatasetName: "shop_data_staging",
  forceIceberg: false,
  ...overrides,
});

const statementsOf = (compiled: ReturnType<typeof athenaDialect.compileStep>) => (compiled.kind === "sql" ? compiled.statements : []);

const sqlOf = (plan: ReturnType<typeof planDrop>) =>
  plan.dropSteps.flatMap((step) => {
    const compiled = athenaDialect.compileStep(step);
    return compiled.kind === "sql" ? compiled.statements : [];
  });

describe("planDrop", () => {
  it("drops the data tables and the staging copies of Iceberg tables, never dlt's own tables", () => {
    const plan = planDrop(input());
    expect(plan.tables).toEqual(["orders", "orders__items", "customers"]);
    expect(plan.stagingTables).toEqual(["customers"]);
    expect(plan.hiveTables).toEqual(["orders", "orders__items"]);
    // Athena SQL as §6.8 writes it: Hive DDL with backticks, IF EXISTS.
    expect(sqlOf(plan)).toEqual([
      "DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data`.`orders`",
      "DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data`.`orders__items`",
      "DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data`.`customers`",
      "DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data_staging`.`customers`",
    ]);
  });

  it("deletes the schema versions and the pipeline's state rows with quoted literals", () => {
    const plan = planDrop(input({ pipelineName: "o'brien" }));
    expect(plan.cleanup.map((c) => c.step)).toEqual([
      { kind: "deleteRows", table: { catalog: "awsdatacatalog", database: "shop_data", table: "_dlt_version" }, column: "schema_name", values: ["shop"] },
      { kind: "deleteRows", table: { catalog: "awsdatacatalog", database: "shop_data", table: "_dlt_pipeline_state" }, column: "pipeline_name", values: ["o'brien"] },
    ]);
    expect(plan.cleanup.flatMap((c) => statementsOf(athenaDialect.compileStep(c.step)))).toEqual([
      `DELETE FROM "awsdatacatalog"."shop_data"."_dlt_version" WHERE "schema_name" = 'shop'`,
      `DELETE FROM "awsdatacatalog"."shop_data"."_dlt_pipeline_state" WHERE "pipeline_name" = 'o''brien'`,
    ]);
  });

  it("treats every table as Iceberg with force_iceberg, so their staging copies go too", () => {
    const plan = planDrop(input({ forceIceberg: true }));
    expect(plan.hiveTables).toEqual([]);
    expect(plan.stagingTables).toEqual(["orders", "orders__items", "customers"]);
  });

  it("compiles to the local engine's SQL through its dialect", () => {
    const dialect = duckdbDialect({ bucketRoot: "/p/.dlt/local/bucket" });
    const compiled = dialect.compileStep(planDrop(input()).dropSteps[0]!);
    expect(compiled.kind === "sql" && compiled.statements.at(-1)).toBe('DROP TABLE IF EXISTS "awsdatacatalog"."shop_data"."orders"');
  });

  it("plans only the state cleanup for a pipeline without schemas", () => {
    const plan = planDrop(input({ schemas: [] }));
    expect(plan.dropSteps).toEqual([]);
    expect(plan.cleanup).toHaveLength(1);
  });

  it("previews tables, folders by layout, cleanup and the working folder", () => {
    const text = formatDropPreview(planDrop(input()), {
      pipelineName: "shop",
      datasetName: "shop_data",
      stagingDatasetName: "shop_data_staging",
      destination: { name: "athena", location: "s3://lake/raw on awsdatacatalog" },
      filesUrl: "s3://lake/raw/shop_data/",
      layout: "data/{table_name}/{load_id}.{file_id}.{ext}",
      workingFolder: "/home/u/.dlt-athena/pipelines/shop",
      pendingPackages: 1,
    });
    expect(text).toContain("About to drop the following data of pipeline shop in dataset shop_data on athena (s3://lake/raw on awsdatacatalog):");
    expect(text).toContain("tables in shop_data: orders, orders__items, customers");
    expect(text).toContain("files of Hive tables under s3://lake/raw/shop_data/: data/orders/, data/orders__items/");
    expect(text).toContain("schema versions of shop in _dlt_version");
    expect(text).toContain("(with 1 load package(s) not loaded yet)");
  });
});
