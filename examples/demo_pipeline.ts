/**
 * An offline demo: a simulated online shop loaded with dlt-athena, no AWS account needed.
 *
 *   npx dlt-athena run examples/demo_pipeline.ts --local     # run it twice: the 2nd run adds one day
 *   npx dlt-athena query --local "SELECT count(*) FROM demo_shop.orders"
 *
 * - `orders` (Hive, append) is loaded incrementally by `placed_at`: each run asks the "API" only
 *   for orders after the newest one loaded. Its `items` list becomes the child table `orders__items`.
 * - `customers` (Iceberg, merge on `customer_id`) is loaded incrementally by `updated_at`: new and
 *   changed customers are upserted, so the table keeps one row per customer. The nested `address`
 *   becomes `address__city` etc.; `tags` becomes the child table `customers__tags`.
 *
 * Without `--local` the same script loads into Athena (configure .dlt/secrets.toml first).
 */
import { incremental, pipeline, resource, source } from "dlt-athena";
import { fetchCustomers, fetchOrders } from "./shop-api.js";

const shop = source("shop", () => [
  resource(({ incremental: cursor }) => fetchCustomers(cursor?.lastValue as Date | undefined), {
    name: "customers",
    primaryKey: "customer_id",
    writeDisposition: "merge",
    tableFormat: "iceberg",
    incremental: incremental("updated_at"),
  }),
  resource(({ incremental: cursor }) => fetchOrders(cursor?.lastValue as Date | undefined), {
    name: "orders",
    writeDisposition: "append",
    incremental: incremental("placed_at", { primaryKey: "order_id" }),
  }),
]);

const demo = pipeline({
  pipelineName: "demo_shop",
  destination: "athena",
  staging: "filesystem",
  datasetName: "demo_shop",
});

await demo.run(shop);
