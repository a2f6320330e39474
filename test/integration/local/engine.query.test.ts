/**
 * The engine as a SqlClient: value and type conversion by the QueryResult conventions
 * (`sql-client.ts`), errors, default database, one statement per call, serialized concurrency and
 * common Athena/Trino user queries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadError } from "../../../src/errors.js";
import { col, openHarness, planned, ref } from "./local-harness.js";
import type { Harness } from "./local-harness.js";

const EVENTS = [
  col("id", "bigint"),
  col("name", "text"),
  col("amount", "decimal"),
  col("at", "timestamp"),
  col("day", "date"),
  col("ok", "bool"),
  col("score", "double"),
  col("raw", "binary"),
  col("small", "bigint", { precision: 16 }),
];

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
  await h.run(
    { kind: "createDatabase", catalog: "awsdatacatalog", database: "shop_data" },
    { kind: "createExternalTable", table: ref("shop_data", "events"), columns: planned(EVENTS), location: h.location("shop_data", "events"), ifNotExists: false },
  );
  const file = await h.writeFile("shop_data", "events", EVENTS, [
    {
      id: 9007199254740993n,
      name: "žluťoučký 🐎",
      amount: "12345678901234567890.123456789",
      at: new Date("2024-01-02T03:04:05.678Z"),
      day: "2024-02-29",
      ok: true,
      score: 0.1,
      raw: new Uint8Array([0, 255, 7]),
      small: 12,
    },
    { id: 2n },
  ]);
  await h.run({ kind: "uploadFiles", files: [file] });
});
afterAll(async () => {
  await h.close();
});

describe("query results of the local engine", () => {
  it("converts values and names types as Athena reports them", async () => {
    const result = await h.query('SELECT * FROM "awsdatacatalog"."shop_data"."events" ORDER BY id DESC');
    expect(result.columns).toEqual([
      { name: "id", type: "bigint" },
      { name: "name", type: "varchar" },
      { name: "amount", type: "decimal(38,9)" },
      { name: "at", type: "timestamp(3)" },
      { name: "day", type: "date" },
      { name: "ok", type: "boolean" },
      { name: "score", type: "double" },
      { name: "raw", type: "varbinary" },
      { name: "small", type: "smallint" },
    ]);
    expect(result.rows).toEqual([
      [
        9007199254740993n,
        "žluťoučký 🐎",
        "12345678901234567890.123456789",
        new Date("2024-01-02T03:04:05.678Z"),
        "2024-02-29",
        true,
        0.1,
        new Uint8Array([0, 255, 7]),
        12,
      ],
      [2, null, null, null, null, null, null, null, null],
    ]);
    expect(result.statistics.seconds).toBeGreaterThanOrEqual(0);
  });

  it("runs common Trino-style queries: literals, COUNT(*), ORDER BY, LIMIT, unqualified names", async () => {
    const result = await h.query(
      `SELECT count(*) AS n, max("at") AS latest FROM events WHERE "at" >= TIMESTAMP '2024-01-01 00:00:00' AND day <= DATE '2024-12-31' AND name <> 'x'`,
      "shop_data",
    );
    expect(result.columns).toEqual([
      { name: "n", type: "bigint" },
      { name: "latest", type: "timestamp(3)" },
    ]);
    expect(result.rows).toEqual([[1, new Date("2024-01-02T03:04:05.678Z")]]);
    const limited = await h.query("SELECT id FROM shop_data.events ORDER BY id LIMIT 1");
    expect(limited.rows).toEqual([[2]]);
    const literals = await h.query("SELECT 1.50 AS d, CAST(5 AS integer) AS i, 'it''s' AS s, NULL AS n, CAST('2024-01-01' AS date) AS day");
    expect(literals.rows).toEqual([["1.50", 5, "it's", null, "2024-01-01"]]);
  });

  it("reports a missing table or database as undefined_relation and other failures as local_query_failed", async () => {
    for (const sql of ['SELECT * FROM "awsdatacatalog"."shop_data"."nope"', 'SELECT * FROM "awsdatacatalog"."nope"."t"', "SELECT * FROM nope"]) {
      const error = await h.query(sql, "shop_data").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoadError);
      expect(error).toMatchObject({ code: "undefined_relation", isTransient: false, meta: { sql } });
    }
    const error = await h.query("SELEC 1").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "local_query_failed", meta: { sql: "SELEC 1" } });
    expect((error as Error).message).toContain("syntax error");
    expect((error as Error).message).toContain("SELEC 1");
    await expect(h.query("SELECT 1; SELECT 2")).rejects.toMatchObject({ code: "local_query_failed" });
    // A database that does not exist as default still lets qualified names run, as on Athena.
    expect((await h.query('SELECT count(*) FROM "shop_data"."events"', "missing_db")).rows).toEqual([[2]]);
  });

  it("serializes concurrent calls on its one connection, each with its own default database", async () => {
    await h.run({ kind: "createDatabase", catalog: "awsdatacatalog", database: "other" });
    await h.query("CREATE TABLE IF NOT EXISTS awsdatacatalog.other.events (id BIGINT)");
    await h.query("INSERT INTO awsdatacatalog.other.events VALUES (1), (2), (3)");
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.query("SELECT count(*) FROM events", i % 2 === 0 ? "shop_data" : "other")),
    );
    expect(results.map((r) => r.rows[0]?.[0])).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 2 : 3)));
  });

  it("answers information_schema in any spelling and hides its own registry", async () => {
    const tables = await h.query("SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_name = 'events' ORDER BY 1");
    expect(tables.rows).toEqual([
      ["other", "events", "BASE TABLE"],
      ["shop_data", "events", "BASE TABLE"],
    ]);
    const all = await h.query(`SELECT DISTINCT table_schema FROM awsdatacatalog."information_schema"."columns"`);
    expect(all.rows.map((r) => r[0])).not.toContain("_dlt_local_engine");
  });

  it("refuses calls after close", async () => {
    const { LocalEngine } = await import("../../../src/destination/local/engine.js");
    const engine = await LocalEngine.open({ databasePath: `${h.dir}/second.duckdb`, catalog: "other_catalog" });
    expect((await engine.execute('SELECT 1 AS x FROM "other_catalog".information_schema.schemata LIMIT 1')).rows).toEqual([[1]]);
    await engine.close();
    await engine.close();
    await expect(engine.execute("SELECT 1")).rejects.toMatchObject({ code: "local_engine_closed" });
  });
});
