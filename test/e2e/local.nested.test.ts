import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalProject, type QueryDocument, type RunDocument, loadedRows } from "../support/local-project.js";

// Replaces the script `init shop athena` generates: nested objects become `a__b` columns, lists
// become child tables linked by `_dlt_parent_id` and ordered by `_dlt_list_idx`.
const PIPELINE = `
import { pipeline, resource } from "dlt-athena";

const customers = resource(
  [
    {
      id: 1, name: "Ann", vip: true, balance: 12.5, signed_up: new Date("2024-05-01T10:00:00Z"),
      address: { city: "Berlin", zip: "10115" },
      orders: [
        { order_id: 10, items: [{ sku: "A", qty: 2 }, { sku: "B", qty: 1 }] },
        { order_id: 11, items: [] },
      ],
    },
    { id: 2, name: "Bo", vip: false, balance: 0, signed_up: new Date("2024-06-02T08:30:00.250Z"), address: { city: "Paris" }, orders: [] },
  ],
  { name: "customers" },
);

await pipeline({ pipelineName: "shop_pipeline", destination: "athena", staging: "filesystem", datasetName: "shop_data" }).run(customers);
`;

const project = new LocalProject({ project: "shop" });
let loaded: RunDocument;
let loadId: string;
let parent: QueryDocument;
let orders: QueryDocument;
let items: QueryDocument;

beforeAll(() => {
  const init = project.cli(["init", "shop", "athena", "--dir", project.dir]);
  expect(init.status, init.stderr).toBe(0);
  project.link();
  project.write({ "shop_pipeline.ts": PIPELINE });
  loaded = project.run("shop_pipeline.ts");
  loadId = loaded.loads[0]!.load_ids[0]!;
  parent = project.query("SELECT * FROM shop_data.customers ORDER BY id");
  orders = project.query("SELECT * FROM shop_data.customers__orders ORDER BY _dlt_list_idx");
  items = project.query("SELECT * FROM shop_data.customers__orders__items ORDER BY _dlt_list_idx");
});
afterAll(() => project.cleanup());

describe("init → run --local → query --json on nested data", () => {
  it("scaffolds a project whose replaced pipeline script loads every table of the nested data", () => {
    expect(readFileSync(join(project.dir, "package.json"), "utf8")).toContain('"dlt-athena"');
    expect(loaded.loads[0]).toMatchObject({ pipeline_name: "shop_pipeline", dataset_name: "shop_data" });
    expect(loadedRows(loaded)).toEqual([
      ["_dlt_pipeline_state", 1],
      ["customers", 2],
      ["customers__orders", 2],
      ["customers__orders__items", 2],
    ]);
  });

  it("returns exactly the parent rows, with nested objects flattened and typed columns", () => {
    expect(parent.columns).toEqual([
      { name: "id", type: "bigint" },
      { name: "name", type: "varchar" },
      { name: "vip", type: "boolean" },
      { name: "balance", type: "double" },
      { name: "signed_up", type: "timestamp(3)" },
      { name: "address__city", type: "varchar" },
      { name: "address__zip", type: "varchar" },
      { name: "_dlt_load_id", type: "varchar" },
      { name: "_dlt_id", type: "varchar" },
    ]);
    expect(parent.rows).toEqual([
      { id: 1, name: "Ann", vip: true, balance: 12.5, signed_up: "2024-05-01T10:00:00.000Z", address__city: "Berlin", address__zip: "10115", _dlt_load_id: loadId, _dlt_id: expect.any(String) },
      { id: 2, name: "Bo", vip: false, balance: 0, signed_up: "2024-06-02T08:30:00.250Z", address__city: "Paris", address__zip: null, _dlt_load_id: loadId, _dlt_id: expect.any(String) },
    ]);
  });

  it("returns exactly the child and grandchild rows, linked to their parents by _dlt_parent_id and _dlt_list_idx", () => {
    const ann = parent.rows[0];
    expect(orders.columns.map((c) => c.name)).toEqual(["order_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"]);
    expect(orders.rows).toEqual([
      { order_id: 10, _dlt_parent_id: ann!._dlt_id, _dlt_list_idx: 0, _dlt_id: expect.any(String) },
      { order_id: 11, _dlt_parent_id: ann!._dlt_id, _dlt_list_idx: 1, _dlt_id: expect.any(String) },
    ]);
    expect(items.columns.map((c) => c.name)).toEqual(["sku", "qty", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"]);
    expect(items.rows).toEqual([
      { sku: "A", qty: 2, _dlt_parent_id: orders.rows[0]!._dlt_id, _dlt_list_idx: 0, _dlt_id: expect.any(String) },
      { sku: "B", qty: 1, _dlt_parent_id: orders.rows[0]!._dlt_id, _dlt_list_idx: 1, _dlt_id: expect.any(String) },
    ]);
    const ids = [ann!._dlt_id, ...orders.rows.map((r) => r._dlt_id), ...items.rows.map((r) => r._dlt_id)];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("records the load in _dlt_loads", () => {
    expect(project.rows("SELECT load_id, schema_name, status FROM shop_data._dlt_loads")).toEqual([
      { load_id: loadId, schema_name: expect.any(String), status: 0 },
    ]);
  });
});

describe("query output", () => {
  it("prints CSV with a header line and empty cells for NULL", () => {
    const result = project.cli(["query", "SELECT id, name, address__zip FROM shop_data.customers ORDER BY id", "--local", "--csv"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe("id,name,address__zip\r\n1,Ann,10115\r\n2,Bo,\r\n");
  });

  it("prints an aligned table on stdout and the row count on stderr", () => {
    const result = project.cli(["query", "SELECT id, address__zip FROM shop_data.customers ORDER BY id", "--local"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split("\n")).toEqual([
      "id | address__zip",
      "---+-------------",
      "1  | 10115       ",
      "2  | NULL        ",
      "",
    ]);
    expect(result.stderr).toMatch(/\(2 rows in \d+\.\d\d s\)/);
  });

  it("resolves unqualified table names in the pipeline's dataset with --pipeline-name", () => {
    expect(project.rows("SELECT count(*) AS n FROM customers__orders", { pipelineName: "shop_pipeline" })).toEqual([{ n: 2 }]);
  });

  it("exits 2 naming the pipeline when --pipeline-name names one that never ran", () => {
    const result = project.cli(["query", "SELECT 1", "--local", "--pipeline-name", "nope"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("nope");
  });

  it("prints an error document and exits non-zero for SQL naming a missing table", () => {
    const result = project.cli(["query", "SELECT * FROM shop_data.missing", "--local", "--json"]);
    expect(result.status).not.toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "error" });
  });
});
