/**
 * Golden SQL per scenario: disposition × table format × schema state, child tables, dlt tables,
 * force_iceberg, odd names and layouts. Files live in golden/<scenario>.sql; review any change
 * made with `UPDATE_GOLDEN=1 npx vitest run test/unit/destination/athena`.
 */
import { describe, it } from "vitest";

import { planLoad } from "../../../../src/destination/athena/planner.js";
import type { TableSchema } from "../../../../src/schema/types.js";
import { CURRENT, child, deployedColumns, deployedOf, expectGolden, filesOf, inputOf, renderPlan, schemaOf, table } from "./fixtures.js";

const orders = (extra: Partial<TableSchema> = {}) =>
  table("orders", { id: { dataType: "bigint", primaryKey: true }, customer: "text", total: { dataType: "decimal", precision: 18, scale: 2 }, created_at: "timestamp", qty: { dataType: "bigint", precision: 16 } }, extra);
const items = () => child("orders", "items", { sku: "text", qty: "bigint" });
const customers = (extra: Partial<TableSchema> = {}) => table("customers", { id: { dataType: "bigint", primaryKey: true }, name: "text" }, extra);

const DLT = ["_dlt_version", "_dlt_loads", "_dlt_pipeline_state"];

function golden(name: string, render: () => string): void {
  it(`matches golden/${name}.sql`, () => expectGolden(name, render()));
}

describe("Hive tables", () => {
  golden("hive-append-new-tables", () => {
    const schema = schemaOf([orders(), items()]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders", "orders__items", "_dlt_pipeline_state"))));
  });

  golden("hive-append-new-column", () => {
    const schema = schemaOf([orders({ columns: { ...orders().columns, coupon: { name: "coupon", dataType: "text", nullable: true } } })]);
    const old = schemaOf([orders()]);
    const deployed = deployedOf({
      ...deployedColumns(old, "shop_data", ["orders", ...DLT]),
      ...deployedColumns(old, "shop_data_staging", ["_dlt_pipeline_state"]),
    });
    return renderPlan(planLoad(inputOf(schema, filesOf("orders"), { deployed })));
  });

  golden("hive-append-unchanged-schema", () => {
    const schema = schemaOf([orders(), items()]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders", "orders__items", "_dlt_pipeline_state"), { deployed: CURRENT })));
  });

  golden("hive-replace-child-tables", () => {
    // orders__items saw data in an earlier load but has no file now: its old files go too.
    const schema = schemaOf([orders({ writeDisposition: "replace" }), items(), child("orders__items", "tags", { tag: "text" }, true)]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders"), { deployed: CURRENT })));
  });

  golden("hive-merge-falls-back-to-append", () => {
    const schema = schemaOf([orders({ writeDisposition: "merge" }), items()]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders", "orders__items"), { deployed: CURRENT })));
  });
});

describe("Iceberg tables", () => {
  const ice = (extra: Partial<TableSchema> = {}) => orders({ tableFormat: "iceberg", ...extra });

  golden("iceberg-append-new-tables", () => {
    const schema = schemaOf([ice({ columns: { ...orders().columns, created_at: { name: "created_at", dataType: "timestamp", nullable: true, partition: true } } }), items()]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders", "orders__items", "_dlt_pipeline_state"))));
  });

  golden("iceberg-append-new-column", () => {
    const old = schemaOf([ice({ locationTag: "0123456789ab" })]);
    const schema = schemaOf([ice({ locationTag: "0123456789ab", columns: { ...orders().columns, coupon: { name: "coupon", dataType: "text", nullable: true } } })]);
    const deployed = deployedOf({
      ...deployedColumns(old, "shop_data", ["orders", ...DLT]),
      ...deployedColumns(old, "shop_data_staging", ["orders", "_dlt_pipeline_state"]),
    });
    return renderPlan(planLoad(inputOf(schema, filesOf("orders"), { deployed })));
  });

  golden("iceberg-append-unchanged-schema", () => {
    const schema = schemaOf([ice({ locationTag: "0123456789ab" }), items()]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders", "orders__items"), { deployed: CURRENT })));
  });

  golden("iceberg-replace-child-tables", () => {
    const schema = schemaOf([ice({ writeDisposition: "replace", locationTag: "0123456789ab" }), { ...items(), locationTag: "ba9876543210" }]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders"), { deployed: CURRENT })));
  });

  golden("iceberg-merge-delete-insert", () => {
    const schema = schemaOf([ice({ writeDisposition: "merge", locationTag: "0123456789ab" }), { ...items(), locationTag: "ba9876543210" }]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders", "orders__items"), { deployed: CURRENT })));
  });

  golden("iceberg-merge-delete-insert-merge-key", () => {
    const schema = schemaOf([
      table("events", { day: { dataType: "date", mergeKey: true }, kind: { dataType: "text", mergeKey: true }, n: "bigint" }, { tableFormat: "iceberg", writeDisposition: "merge", locationTag: "0123456789ab" }),
    ]);
    return renderPlan(planLoad(inputOf(schema, filesOf("events"), { deployed: CURRENT })));
  });

  golden("iceberg-merge-upsert", () => {
    const schema = schemaOf([
      ice({ writeDisposition: "merge", mergeStrategy: "upsert", locationTag: "0123456789ab" }),
      { ...items(), locationTag: "ba9876543210" },
      { ...child("orders", "notes", { note: "text" }, false), locationTag: "cccccccccccc" },
    ]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders", "orders__items"), { deployed: CURRENT })));
  });

  golden("iceberg-merge-without-keys", () => {
    const schema = schemaOf([table("logs", { line: "text" }, { tableFormat: "iceberg", writeDisposition: "merge", locationTag: "0123456789ab" })]);
    return renderPlan(planLoad(inputOf(schema, filesOf("logs"), { deployed: CURRENT })));
  });

  golden("iceberg-merge-new-tables", () => {
    const schema = schemaOf([ice({ writeDisposition: "merge" }), items()]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders", "orders__items", "_dlt_pipeline_state"))));
  });
});

describe("dlt tables, force_iceberg, names and layouts", () => {
  golden("dlt-tables-only", () => {
    // A run whose only new data is the pipeline state.
    const schema = schemaOf([]);
    return renderPlan(planLoad(inputOf(schema, filesOf("_dlt_pipeline_state"))));
  });

  golden("force-iceberg", () => {
    const schema = schemaOf([orders(), items(), customers({ writeDisposition: "replace" })]);
    return renderPlan(planLoad(inputOf(schema, filesOf("orders", "orders__items", "customers"), { forceIceberg: true })));
  });

  golden("odd-names", () => {
    const schema = schemaOf(
      [table('we"ird`tab', { 'col"quote': "text", "col`tick": "text", "semi;colon": "bigint", "select": "text", "Ünïcode": "double" }, { writeDisposition: "replace" })],
      { withState: false },
    );
    const files = filesOf('we"ird`tab');
    return [
      renderPlan(planLoad(inputOf(schema, files))),
      renderPlan(planLoad(inputOf(schema, files, { forceIceberg: true, loadId: "1714392001.1" }))),
    ].join("\n");
  });

  golden("layout-keys", () => {
    const schema = schemaOf([orders({ tableFormat: "iceberg" }), customers()]);
    return renderPlan(
      planLoad(
        inputOf(schema, filesOf("orders", "customers", "customers"), {
          layout: "data/{table_name}/{YYYY}/{MMM}/{DD}/{team}/{load_id}.{file_id}.{ext}",
          extraPlaceholders: { team: "growth" },
          bucketUrl: "s3://my-lake/raw/",
          deployed: CURRENT,
        }),
      ),
    );
  });
});
