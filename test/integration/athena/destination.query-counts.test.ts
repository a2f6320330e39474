/**
 * How many Athena queries a load costs, through the whole stack: a load whose schema is already
 * recorded in `_dlt_version` runs no DDL and no INFORMATION_SCHEMA query — at most the version
 * check, the state insert and the `_dlt_loads` row, whatever the number of tables (issue 5's
 * target). Also measures and prints the issue's figures (a), (b) and (c).
 */
import { afterAll, describe, expect, it } from "vitest";
import { incremental } from "../../../src/source/incremental.js";
import { resource, type Resource } from "../../../src/source/resource.js";
import type { LoadInfo } from "../../../src/pipeline/load-info.js";
import type { FakeAthenaServer } from "../../support/athena-server.js";
import {
  isColumnsQuery,
  isStateQuery,
  isSyncRead,
  nestedOrders,
  useDestinationServers,
  type Project,
} from "./destination-harness.js";

const suite = useDestinationServers();
const newProject = (): Project => suite.project();

/** Queries the endpoint accepted from `mark` on. */
const since = (athena: FakeAthenaServer, mark: number) => athena.queries.slice(mark);

/** Ten flat tables; `t01` is incremental on `id`, so every run also changes the pipeline state. */
function tenTables(from: number, rows = 5): Resource[] {
  return Array.from({ length: 10 }, (_, t) => {
    const name = `t${String(t + 1).padStart(2, "0")}`;
    const items = Array.from({ length: rows }, (_, i) => ({ id: from + i, name: `${name}-${from + i}`, amount: (from + i) * 2 }));
    return resource(items, { name, ...(t === 0 ? { incremental: incremental("id") } : {}) });
  });
}

/** Three Iceberg tables merged on `id` (dlt's default delete-insert strategy). */
function threeMergeTables(from: number, rows = 5): Resource[] {
  return ["customers", "products", "suppliers"].map((name) =>
    resource(
      Array.from({ length: rows }, (_, i) => ({ id: from + i, label: `${name}-${from + i}` })),
      { name, primaryKey: "id", writeDisposition: "merge", tableFormat: "iceberg" },
    ),
  );
}

interface Figure {
  readonly scenario: string;
  /** Every query the endpoint accepted during the run (restore and discovery included). */
  readonly sent: number;
  /** What the load info counts (`info.queries`): discovery and the plan's statements. */
  readonly planned: number;
  readonly planChain: number;
  /** State restore runs before the load: add it to the chain. */
  readonly totalChain: number;
}

const figures: Figure[] = [];

function figure(scenario: string, info: LoadInfo, sent: readonly string[]): Figure {
  // The load info counts discovery and plan statements; only the state restore happens outside it.
  const reads = sent.filter((sql) => isStateQuery(sql)).length;
  expect(sent).toHaveLength(info.queries.count + reads);
  const result = {
    scenario,
    sent: sent.length,
    planned: info.queries.count,
    planChain: info.queries.longestChain,
    totalChain: reads + info.queries.longestChain,
  };
  figures.push(result);
  return result;
}

afterAll(() => {
  if (figures.length === 0) return;
  const lines = figures.map(
    (f) => `  ${f.scenario.padEnd(54)} queries ${String(f.sent).padStart(3)} (plan ${String(f.planned).padStart(2)})   longest chain ${f.totalChain} (plan ${f.planChain})`,
  );
  console.log(`Athena queries per load (issue 5 figures):\n${lines.join("\n")}`);
});

describe("queries per load", () => {
  it("a load with an unchanged schema and no state change sends only the sync read (state + version check) and the _dlt_loads row", async () => {
    const p = newProject().pipeline();
    await p.run(nestedOrders(3), { tableName: "orders" });
    const mark = suite.servers.athena.queries.length;
    const info = await p.run(nestedOrders(3, 4), { tableName: "orders" });
    const sent = since(suite.servers.athena, mark);
    expect(sent).toHaveLength(2);
    expect(isSyncRead(sent[0]!)).toBe(true);
    expect(sent[1]).toMatch(new RegExp(`^INSERT INTO "awsdatacatalog"\\."shop_data"\\."_dlt_loads"\\(.*VALUES \\('${info.loadIds[0]}'`));
    // The sync read runs before the load; the load itself is one statement.
    expect(info.queries).toMatchObject({ count: 1, longestChain: 1 });
    // The rows still arrived: Hive appends are file uploads, no DML.
    expect(info.tables.find((t) => t.name === "orders")?.rows).toBe(3);
  });

  it("(a) a first load of 10 tables, (b) an append to the same 10 Hive tables: (b) needs at most 3 queries", async () => {
    const p = newProject().pipeline("ten", "ten_data");
    let mark = suite.servers.athena.queries.length;
    const first = await p.run(tenTables(1));
    const a = figure("(a) first load of 10 Hive tables", first, since(suite.servers.athena, mark));
    expect(a.planned).toBeGreaterThanOrEqual(10);

    mark = suite.servers.athena.queries.length;
    const second = await p.run(tenTables(6));
    const sent = since(suite.servers.athena, mark);
    const b = figure("(b) append to the same 10 Hive tables, same schema", second, sent);
    expect(b.sent).toBeLessThanOrEqual(3);
    // The incremental cursor moved, so the state row is inserted; no DDL, no INFORMATION_SCHEMA.
    expect(sent).toEqual([
      expect.stringMatching(/^SELECT 'state' AS "kind", .* FROM "awsdatacatalog"\."ten_data"\."_dlt_version" AS v WHERE v\."version_hash" IN \('/),
      expect.stringMatching(/^INSERT INTO "awsdatacatalog"\."ten_data"\."_dlt_pipeline_state"\(/),
      expect.stringMatching(/^INSERT INTO "awsdatacatalog"\."ten_data"\."_dlt_loads"\(/),
    ]);
    expect(second.tables.filter((t) => /^t\d\d$/.test(t.name)).map((t) => t.rows)).toEqual(Array(10).fill(5));
  });

  it("(c) a merge into 3 Iceberg tables", async () => {
    const p = newProject().pipeline("merge3", "merge3_data");
    let mark = suite.servers.athena.queries.length;
    const first = await p.run(threeMergeTables(1));
    figure("(c0) first load (create) of 3 Iceberg merge tables", first, since(suite.servers.athena, mark));

    mark = suite.servers.athena.queries.length;
    const second = await p.run(threeMergeTables(3));
    const sent = since(suite.servers.athena, mark);
    const c = figure("(c) merge into the same 3 Iceberg tables, same schema", second, sent);
    expect(sent.filter((sql) => /^(CREATE|ALTER)\b/.test(sql))).toEqual([]);
    expect(sent.filter(isColumnsQuery)).toEqual([]);
    for (const table of ["customers", "products", "suppliers"]) {
      expect(sent.some((sql) => sql.startsWith(`DELETE FROM "awsdatacatalog"."merge3_data"."${table}"`))).toBe(true);
      expect(sent.some((sql) => sql.startsWith(`INSERT INTO "awsdatacatalog"."merge3_data"."${table}"(`))).toBe(true);
    }
    expect(c.planChain).toBeLessThan(c.planned);
  });
});
