/**
 * `replace` on Hive tables through the whole stack: the old objects of the table and of its child
 * tables are deleted from the bucket before the new ones are uploaded (seen on the wire through a
 * recording proxy in front of s3rver), and objects of other tables — even one whose name starts
 * with the replaced table's — survive.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resource } from "../../../src/source/resource.js";
import {
  BUCKET_PREFIX,
  answerRecordedVersions,
  makeProject,
  nestedOrders,
  startServers,
  tableKeys,
  type Project,
  type Servers,
} from "./destination-harness.js";

let servers: Servers;
let project: Project;
beforeAll(async () => {
  servers = await startServers();
  project = makeProject(servers);
});
afterAll(async () => {
  project.cleanup();
  await servers.stop();
});
beforeEach(() => {
  servers.reset();
  answerRecordedVersions(servers.athena);
});

const orders = (rows: Record<string, unknown>[]) => resource(rows, { name: "orders", writeDisposition: "replace" });
const archive = (rows: Record<string, unknown>[]) => resource(rows, { name: "orders_archive", writeDisposition: "append" });
const keysOf = (table: string) => tableKeys(servers.s3, "shop_data", table);

describe("replace on Hive tables", () => {
  it("deletes the table's and its child tables' old objects before uploading the new ones; other tables' objects survive", async () => {
    const p = project.pipeline();
    const first = await p.run([orders(nestedOrders(2)), archive([{ id: 100, note: "old" }])]);
    const [firstLoad] = first.loadIds;
    const oldOrders = keysOf("orders");
    const oldItems = keysOf("orders__items");
    const oldArchive = keysOf("orders_archive");
    for (const keys of [oldOrders, oldItems, oldArchive]) {
      expect(keys).toHaveLength(1);
      expect(keys[0]).toContain(`/${firstLoad}.`);
    }

    const [queryMark, s3Mark] = [servers.athena.queries.length, servers.s3Log.requests.length];
    const second = await p.run(orders(nestedOrders(3, 10)));
    const [secondLoad] = second.loadIds;

    const newOrders = keysOf("orders");
    const newItems = keysOf("orders__items");
    expect(newOrders).toEqual([expect.stringMatching(new RegExp(`^${BUCKET_PREFIX}/shop_data/orders/${secondLoad}\\.[0-9a-z]+\\.parquet$`))]);
    expect(newItems).toEqual([expect.stringMatching(new RegExp(`/orders__items/${secondLoad}\\.`))]);
    expect(keysOf("orders_archive")).toEqual(oldArchive);

    // On the wire: one DeleteObjects with exactly the old objects, before either new upload.
    const log = servers.s3Log.requests.slice(s3Mark);
    const deletes = log.filter((r) => r.deleted !== undefined);
    expect(deletes.flatMap((r) => r.deleted).sort()).toEqual([...oldOrders, ...oldItems].sort());
    const lastDelete = log.findLastIndex((r) => r.deleted !== undefined);
    const firstPut = log.findIndex((r) => r.method === "PUT" && [...newOrders, ...newItems].includes(r.key));
    expect(lastDelete).toBeGreaterThanOrEqual(0);
    expect(firstPut).toBeGreaterThan(lastDelete);
    // Replacing Hive tables is a matter of files: the schema is unchanged, so no DDL and no DML.
    expect(servers.athena.queries.slice(queryMark).filter((sql) => !sql.startsWith("SELECT "))).toEqual([
      expect.stringMatching(/^INSERT INTO "awsdatacatalog"\."shop_data"\."_dlt_loads"\(/),
    ]);
  });

  it("empties a child table's folder when the new data has no child rows", async () => {
    const p = project.pipeline("children", "children_data");
    await p.run([orders(nestedOrders(2)), archive([{ id: 1, note: "kept" }])]);
    expect(tableKeys(servers.s3, "children_data", "orders__items")).toHaveLength(1);
    const archived = tableKeys(servers.s3, "children_data", "orders_archive");

    const info = await p.run(orders([{ id: 7, customer: { name: "x", tier: "y" }, total: 1, items: [] }]));
    expect(tableKeys(servers.s3, "children_data", "orders__items")).toEqual([]);
    expect(tableKeys(servers.s3, "children_data", "orders")).toEqual([
      expect.stringContaining(`/orders/${info.loadIds[0]}.`),
    ]);
    expect(tableKeys(servers.s3, "children_data", "orders_archive")).toEqual(archived);
  });
});
