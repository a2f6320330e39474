import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/project.js";
import { LocalProject, type RunDocument, loadedRows } from "../support/local-project.js";

// The README's first command: the offline demo in examples/, run twice with --local. The script
// stays in the repository, so its `import "dlt-athena"` resolves through the package's
// self-reference, as on a fresh clone; the data lands in the temp project the CLI runs in.
const DEMO = join(REPO_ROOT, "examples", "demo_pipeline.ts");

const REVENUE_SQL = `
SELECT c.customer_id, count(DISTINCT o.order_id) AS orders, round(sum(i.quantity * i.unit_price), 2) AS revenue
FROM demo_shop.customers c
JOIN demo_shop.orders o ON o.customer_id = c.customer_id
JOIN demo_shop.orders__items i ON i._dlt_parent_id = o._dlt_id
GROUP BY c.customer_id ORDER BY revenue DESC, c.customer_id LIMIT 3`;

const project = new LocalProject();
let first: RunDocument;
let second: RunDocument;

beforeAll(() => {
  project.create();
  first = project.run(DEMO);
  second = project.run(DEMO);
});
afterAll(() => project.cleanup());

describe("the offline demo pipeline", () => {
  it("loads a few thousand nested rows into the demo_shop dataset on the first run", () => {
    const tables = Object.fromEntries(loadedRows(first));
    expect(first.loads[0]).toMatchObject({ pipeline_name: "demo_shop", dataset_name: "demo_shop", warnings: [] });
    expect(Object.keys(tables).sort()).toEqual(["_dlt_pipeline_state", "customers", "customers__tags", "orders", "orders__items"]);
    expect(tables.orders).toBeGreaterThan(2000);
    expect(tables.orders__items).toBeGreaterThan(tables.orders!);
    expect(tables.customers).toBeGreaterThan(300);
  });

  it("loads only one more day of orders and customer changes on the second run", () => {
    const tables = Object.fromEntries(loadedRows(second));
    expect(tables.orders).toBeGreaterThan(0);
    expect(tables.orders).toBeLessThan(50);
    expect(tables.customers).toBeGreaterThan(0);
    expect(tables.customers).toBeLessThan(20);
  });

  it("keeps every order once and one row per customer, with the changed customers merged", () => {
    const firstRows = Object.fromEntries(loadedRows(first));
    const secondRows = Object.fromEntries(loadedRows(second));
    const [counts] = project.rows(
      "SELECT (SELECT count(*) FROM demo_shop.orders) AS orders, (SELECT count(DISTINCT order_id) FROM demo_shop.orders) AS distinct_orders, " +
        "(SELECT count(*) FROM demo_shop.customers) AS customers, (SELECT count(DISTINCT customer_id) FROM demo_shop.customers) AS distinct_customers",
    );
    expect(counts).toEqual({
      orders: firstRows.orders! + secondRows.orders!,
      distinct_orders: firstRows.orders! + secondRows.orders!,
      customers: counts!.distinct_customers,
      distinct_customers: expect.any(Number),
    });
    // Some customers of the second run existed before: merge updated them instead of adding rows.
    expect(counts!.customers).toBeLessThan(firstRows.customers! + secondRows.customers!);
  });

  it("answers the README's revenue query joining customers, orders and line items", () => {
    const top = project.rows(REVENUE_SQL);
    expect(top).toHaveLength(3);
    for (const row of top) expect(row).toEqual({ customer_id: expect.any(Number), orders: expect.any(Number), revenue: expect.any(Number) });
    expect(top[0]!.revenue as number).toBeGreaterThanOrEqual(top[2]!.revenue as number);
  });
});
