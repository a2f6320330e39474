/**
 * Merges into Iceberg tables through the whole stack: the delete-insert and upsert statements
 * reach the endpoint; while they run, the staging folders hold only this load's files (the
 * staging folder is emptied before the load's files are staged, so a rerun never re-reads an
 * older load); after success the staged files are deleted, or kept with `keep_staging_files`.
 */
import { describe, expect, it } from "vitest";
import { resource, type Resource } from "../../../src/source/resource.js";
import {
  BUCKET_PREFIX,
  bucketKeys,
  useDestinationServers,
  type Project,
} from "./destination-harness.js";

const suite = useDestinationServers();
const newProject = (keepStagingFiles = false): Project =>
  suite.project(keepStagingFiles ? { athena: { keep_staging_files: true } } : {});

/** Customers with addresses (a child table), merged on `id`. */
function customers(ids: readonly number[], strategy: "delete-insert" | "upsert" = "delete-insert"): Resource {
  const rows = ids.map((id) => ({ id, name: `customer ${id}`, addresses: [{ city: `city ${id}` }, { city: `town ${id}` }] }));
  return resource(rows, {
    name: "customers",
    primaryKey: "id",
    writeDisposition: { disposition: "merge", strategy },
    tableFormat: "iceberg",
  });
}

/** Staged files of a dataset (its staging dataset's ownership marker aside). */
const stagingKeys = (dataset: string) =>
  bucketKeys(suite.servers.s3).filter((key) => key.startsWith(`${BUCKET_PREFIX}/${dataset}_staging/`) && !key.endsWith("/_dlt_staging.json"));

/** Statements of the second load, from `mark` on, with the version check left out. */
const dmlSince = (mark: number) => suite.servers.athena.queries.slice(mark).filter((sql) => !sql.startsWith("SELECT "));

/** The staging table a statement reads, if any: `customers` or `customers__addresses`. */
const readsStaging = (dataset: string, sql: string) =>
  [...sql.matchAll(new RegExp(`"${dataset}_staging"\\."(customers(?:__addresses)?)"`, "g"))].map((m) => m[1]);

describe("merge into Iceberg tables", () => {
  it("delete-insert: deletes children then roots by key, inserts deduplicated rows through a helper table, then drops it", async () => {
    const p = newProject().pipeline("di", "di_data");
    await p.run(customers([1, 2]));
    const mark = suite.servers.athena.queries.length;
    const info = await p.run(customers([2, 3]));
    const sent = dmlSince(mark);
    const t = (table: string) => `"awsdatacatalog"."di_data"."${table}"`;
    const s = (table: string) => `"awsdatacatalog"."di_data_staging"."${table}"`;
    const at = (prefix: string) => {
      const index = sent.findIndex((sql) => sql.startsWith(prefix));
      expect(index, prefix).toBeGreaterThanOrEqual(0);
      return index;
    };
    const deleteChildren = at(`DELETE FROM ${t("customers__addresses")} WHERE "_dlt_root_id" IN (SELECT "_dlt_id" FROM ${t("customers")} WHERE "id" IN (SELECT "id" FROM ${s("customers")}))`);
    const deleteRoots = at(`DELETE FROM ${t("customers")} WHERE "id" IN (SELECT "id" FROM ${s("customers")})`);
    const helper = /"di_data_staging"\."(customers_insert_[0-9a-z]+)" AS SELECT "_dlt_id" FROM \( SELECT ROW_NUMBER\(\) OVER \(partition BY "id"/.exec(sent.join("\n"))?.[1];
    expect(helper).toBeDefined();
    const createHelper = at(`CREATE TABLE "awsdatacatalog"."di_data_staging"."${helper}" AS SELECT`);
    const insertRoots = at(`INSERT INTO ${t("customers")}("id", "name", "_dlt_load_id", "_dlt_id") SELECT "id", "name", "_dlt_load_id", "_dlt_id" FROM ${s("customers")} WHERE "_dlt_id" IN (SELECT * FROM ${s(helper!)})`);
    const insertChildren = at(`INSERT INTO ${t("customers__addresses")}(`);
    const dropHelper = sent.lastIndexOf(`DROP TABLE IF EXISTS \`awsdatacatalog\`.\`di_data_staging\`.\`${helper}\``);
    expect(deleteChildren).toBeLessThan(deleteRoots);
    expect(deleteRoots).toBeLessThan(createHelper);
    expect(createHelper).toBeLessThan(insertRoots);
    expect(insertRoots).toBeLessThan(insertChildren);
    expect(dropHelper).toBeGreaterThan(insertChildren);
    expect(sent.at(-1)).toMatch(new RegExp(`^INSERT INTO ${t("_dlt_loads").replace(/[."]/g, "\\$&")}\\(.*VALUES \\('${info.loadIds[0]}'`));
  });

  it("upsert: MERGE INTO the root on the primary key and the child on _dlt_id, then deletes orphaned child rows", async () => {
    const p = newProject().pipeline("up", "up_data");
    await p.run(customers([1, 2], "upsert"));
    const mark = suite.servers.athena.queries.length;
    await p.run(customers([2, 3], "upsert"));
    const sent = dmlSince(mark);
    expect(sent).toHaveLength(4);
    expect(sent[0]).toMatch(/^MERGE INTO "awsdatacatalog"\."up_data"\."customers" AS d USING \( .* \) AS s ON d\."id" = s\."id" WHEN MATCHED THEN UPDATE SET .* WHEN NOT MATCHED THEN INSERT /);
    expect(sent[1]).toMatch(/^MERGE INTO "awsdatacatalog"\."up_data"\."customers__addresses" AS d USING .* ON d\."_dlt_id" = s\."_dlt_id" /);
    expect(sent[2]).toBe(
      'DELETE FROM "awsdatacatalog"."up_data"."customers__addresses" WHERE "_dlt_root_id" IN (SELECT "_dlt_id" FROM "awsdatacatalog"."up_data_staging"."customers") ' +
        'AND "_dlt_id" NOT IN (SELECT "_dlt_id" FROM "awsdatacatalog"."up_data_staging"."customers__addresses")',
    );
    expect(sent[3]).toMatch(/^INSERT INTO "awsdatacatalog"\."up_data"\."_dlt_loads"\(/);
  });

  for (const keep of [false, true]) {
    it(`reads only this load's staged files, then ${keep ? "keeps them with keep_staging_files = true" : "deletes them after success"}`, async () => {
      const dataset = keep ? "keep_data" : "drop_data";
      const p = newProject(keep).pipeline(keep ? "keep" : "drop", dataset);
      const first = await p.run(customers([1, 2]));
      const leftover = stagingKeys(dataset);
      // The staging dataset is marked as this dataset's own when it is first used.
      expect(bucketKeys(suite.servers.s3)).toContain(`${BUCKET_PREFIX}/${dataset}_staging/_dlt_staging.json`);
      if (keep) expect(leftover.length).toBeGreaterThanOrEqual(2);
      else expect(leftover).toEqual([]);
      expect(leftover.every((key) => key.includes(`/${first.loadIds[0]}.`))).toBe(true);

      // Look into the bucket whenever a statement that reads a staging table runs.
      const seen: { table: string; keys: string[] }[] = [];
      suite.servers.onQuery = (sql) => {
        for (const table of readsStaging(dataset, sql)) {
          seen.push({ table: table!, keys: stagingKeys(dataset).filter((key) => key.includes(`_staging/${table}/`)) });
        }
      };
      const second = await p.run(customers([2, 3]));
      const [loadId] = second.loadIds;
      expect(new Set(seen.map((s) => s.table))).toEqual(new Set(["customers", "customers__addresses"]));
      for (const { table, keys } of seen) {
        expect(keys, table).toEqual([expect.stringMatching(new RegExp(`^${BUCKET_PREFIX}/${dataset}_staging/${table}/${loadId}\\.[0-9a-z]+\\.parquet$`))]);
      }
      const after = stagingKeys(dataset);
      if (keep) {
        // The state did not change in this load, so only the customers' staging folders were renewed.
        const merged = after.filter((key) => /_staging\/customers(__addresses)?\//.test(key));
        expect(merged).toHaveLength(2);
        expect(merged.every((key) => key.includes(`/${loadId}.`))).toBe(true);
      } else {
        expect(after).toEqual([]);
      }
    });
  }
});
