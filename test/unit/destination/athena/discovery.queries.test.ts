import { describe, expect, it } from "vitest";

import {
  INFO_TABLES_QUERY_THRESHOLD,
  decodeState,
  discoverDeployed,
  encodeState,
  newestSchemaSql,
  newestStateSql,
  parseSchemaRow,
  parseStateRow,
  readStateSnapshot,
  restorePipelineState,
  schemaVersionExistsSql,
  storageColumnsSql,
  syncStateSql,
} from "../../../../src/destination/athena/discovery.js";
import type { QueryResult, SqlClient } from "../../../../src/destination/sql-client.js";
import { DltAthenaError, LoadError } from "../../../../src/errors.js";

const result = (columns: string[], rows: unknown[][]): QueryResult => ({ columns: columns.map((name) => ({ name, type: "varchar" })), rows, statistics: { seconds: 0 } });

/** Answers each statement with the first handler whose prefix matches; records what ran. */
function fakeClient(handlers: [string, () => QueryResult][]): SqlClient & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    execute(sql: string) {
      sent.push(sql);
      const handler = handlers.find(([prefix]) => sql.includes(prefix))?.[1];
      return handler === undefined ? Promise.reject(new Error(`unexpected ${sql}`)) : Promise.resolve().then(handler);
    },
    close: () => Promise.resolve(),
  };
}

const missing = () => {
  throw new DltAthenaError("undefined_relation", "load", "TABLE_NOT_FOUND");
};

describe("discovery SQL", () => {
  it("looks up the schema version hash in _dlt_version", () => {
    expect(schemaVersionExistsSql("awsdatacatalog", "shop", "x1'Yb=")).toBe(`SELECT "version_hash" FROM "awsdatacatalog"."shop"."_dlt_version" WHERE "version_hash" = 'x1''Yb=' LIMIT 1`);
  });

  it("reads all tables of the load in both databases with one INFORMATION_SCHEMA query", () => {
    expect(storageColumnsSql("awsdatacatalog", ["shop", "shop_staging"], ["orders", "_dlt_loads"])).toBe(
      `SELECT table_schema, table_name, column_name FROM "awsdatacatalog".INFORMATION_SCHEMA.COLUMNS WHERE table_catalog = 'awsdatacatalog' AND table_schema IN ('shop', 'shop_staging') AND table_name IN ('orders', '_dlt_loads') ORDER BY table_schema, table_name, ordinal_position`,
    );
  });

  it(`drops the table_name filter above ${INFO_TABLES_QUERY_THRESHOLD} tables`, () => {
    const tables = Array.from({ length: INFO_TABLES_QUERY_THRESHOLD + 1 }, (_, i) => `t${i}`);
    expect(storageColumnsSql("awsdatacatalog", ["shop"], tables)).not.toContain("table_name IN");
    expect(storageColumnsSql("awsdatacatalog", ["shop"], tables.slice(1))).toContain("table_name IN");
  });

  it("builds the state and schema restore queries", () => {
    expect(newestStateSql("awsdatacatalog", "shop", "p")).toBe(
      `SELECT s."version", s."engine_version", s."pipeline_name", s."state", s."created_at", s."version_hash", s."_dlt_load_id" FROM "awsdatacatalog"."shop"."_dlt_pipeline_state" AS s JOIN "awsdatacatalog"."shop"."_dlt_loads" AS l ON l."load_id" = s."_dlt_load_id" WHERE s."pipeline_name" = 'p' AND l."status" = 0 ORDER BY l."load_id" DESC LIMIT 1`,
    );
    expect(newestSchemaSql("awsdatacatalog", "shop", "shop")).toBe(
      `SELECT "version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema" FROM "awsdatacatalog"."shop"."_dlt_version" WHERE "schema_name" = 'shop' ORDER BY "inserted_at" DESC LIMIT 1`,
    );
  });
});

describe("the sync read", () => {
  it("asks for the newest committed state and the recorded schema versions in one query", () => {
    expect(syncStateSql("awsdatacatalog", "shop", "p", ["h1", "h1", "h'2"])).toBe(
      `SELECT 'state' AS "kind", n."version", n."engine_version", n."pipeline_name", n."state", n."created_at", n."version_hash", n."_dlt_load_id" FROM (` +
        newestStateSql("awsdatacatalog", "shop", "p") +
        `) AS n UNION ALL SELECT DISTINCT 'schema' AS "kind", NULL AS "version", NULL AS "engine_version", NULL AS "pipeline_name", NULL AS "state", NULL AS "created_at", v."version_hash", NULL AS "_dlt_load_id" FROM "awsdatacatalog"."shop"."_dlt_version" AS v WHERE v."version_hash" IN ('h1', 'h''2')`,
    );
  });

  it("splits the answer into the state row and the recorded hashes; a missing dataset is no state", async () => {
    const columns = ["kind", "version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id"];
    const state = encodeState({ _state_version: 4, pipeline_name: "p" });
    const found = fakeClient([["SELECT 'state'", () => result(columns, [["state", 4, 4, "p", state, null, "sh", "1.2"], ["schema", null, null, null, null, null, "h1", null]])]]);
    const snapshot = await readStateSnapshot(found, { catalog: "awsdatacatalog", datasetName: "shop", pipelineName: "p", versionHashes: ["h1", "h2"] });
    expect(snapshot.datasetExists).toBe(true);
    expect(snapshot.state).toMatchObject({ version: 4, pipelineName: "p", state: { _state_version: 4 } });
    expect([...snapshot.recordedHashes]).toEqual(["h1"]);
    const gone = await readStateSnapshot(fakeClient([["SELECT 'state'", missing]]), { catalog: "awsdatacatalog", datasetName: "shop", pipelineName: "p", versionHashes: [] });
    expect(gone).toEqual({ datasetExists: false, state: undefined, recordedHashes: new Set() });
  });
});

describe("discoverDeployed", () => {
  const input = { catalog: "awsdatacatalog", datasetName: "shop", stagingDatasetName: "shop_staging", versionHash: "h", tables: ["orders", "_dlt_loads"] };

  it("stops after one query when the schema version is recorded", async () => {
    const client = fakeClient([['"_dlt_version"', () => result(["version_hash"], [["h"]])]]);
    expect(await discoverDeployed(client, input)).toEqual({ isSchemaCurrent: true, tables: new Map() });
    expect(client.sent).toHaveLength(1);
  });

  it("reads columns of both databases when the version is missing, skipping unrelated tables", async () => {
    const client = fakeClient([
      ["INFORMATION_SCHEMA", () => result(["table_schema", "table_name", "column_name"], [["shop", "orders", "id"], ["shop", "orders", "V"], ["shop_staging", "orders", "id"], ["shop", "unrelated", "x"]])],
      ['"_dlt_version"', () => result(["version_hash"], [])],
    ]);
    const deployed = await discoverDeployed(client, input);
    expect(deployed.isSchemaCurrent).toBe(false);
    expect([...deployed.tables]).toEqual([
      ["shop.orders", { columns: ["id", "v"] }],
      ["shop_staging.orders", { columns: ["id"] }],
    ]);
    // The columns and every recorded schema come in one query.
    expect(client.sent[1]).toContain(`UNION ALL SELECT '_dlt_recorded_schemas' AS table_schema`);
  });

  it("takes a table's format from the schemas recorded in _dlt_version, whichever pipeline wrote them", async () => {
    const other = { name: "other", tables: { orders: { name: "orders", columns: {}, locationTag: "0123456789ab" }, events: { name: "events", columns: {}, seenData: true } } };
    const client = fakeClient([
      ["INFORMATION_SCHEMA", () => result(["table_schema", "table_name", "column_name", "ordinal_position"], [
        ["_dlt_recorded_schemas", "other", JSON.stringify(other), "0"],
        ["shop", "events", "id", "1"],
        ["shop", "orders", "id", "1"],
      ])],
    ]);
    const deployed = await discoverDeployed(client, { ...input, tables: ["orders", "events"], known: { checked: new Set([input.versionHash]), recorded: new Set(), dltTablesExist: true } });
    expect(client.sent).toHaveLength(1);
    expect(deployed.tables.get("shop.orders")).toEqual({ columns: ["id"], format: "iceberg", locationTag: "0123456789ab" });
    expect(deployed.tables.get("shop.events")).toEqual({ columns: ["id"], format: "hive" });
  });

  it("skips the version check the sync read already made", async () => {
    const client = fakeClient([]);
    const known = { checked: new Set([input.versionHash]), recorded: new Set([input.versionHash]), dltTablesExist: true };
    expect(await discoverDeployed(client, { ...input, known })).toEqual({ isSchemaCurrent: true, tables: new Map() });
    expect(client.sent).toEqual([]);
  });

  it("treats a missing database or table as nothing deployed", async () => {
    const client = fakeClient([['"_dlt_version"', missing], ["INFORMATION_SCHEMA", missing]]);
    expect(await discoverDeployed(client, input)).toEqual({ isSchemaCurrent: false, tables: new Map() });
  });

  it("lets other errors through", async () => {
    const client = fakeClient([['"_dlt_version"', () => { throw new LoadError("athena_query_failed", "boom"); }]]);
    await expect(discoverDeployed(client, input)).rejects.toMatchObject({ code: "athena_query_failed" });
  });
});

describe("state encoding and restore rows", () => {
  it("round-trips dlt's base64 zlib JSON and reads plain JSON too", () => {
    const state = { _state_version: 3, sources: { s: { resources: { r: { cursor: "2024-01-01" } } } } };
    const encoded = encodeState(state);
    expect(encoded).toMatch(/^eN[A-Za-z0-9+/=]+$/); // zlib header 0x78 0xDA in base64
    expect(decodeState(encoded)).toEqual(state);
    expect(decodeState('{"a":1}')).toEqual({ a: 1 });
    expect(() => decodeState("not json")).toThrow(expect.objectContaining({ code: "invalid_state" }) as Error);
  });

  it("decodes a state row and a schema row; no row gives undefined", () => {
    const state = parseStateRow(
      result(["version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id"], [[3, 4, "p", encodeState({ a: 1 }), new Date(0), "vh", "1.1"]]),
    );
    expect(state).toEqual({ version: 3, engineVersion: 4, pipelineName: "p", state: { a: 1 }, createdAt: new Date(0), versionHash: "vh", loadId: "1.1" });
    const schema = parseSchemaRow(result(["version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema"], [[2, 11, null, "shop", "h", '{"name":"shop"}']]));
    expect(schema?.schema).toEqual({ name: "shop" });
    expect(parseStateRow(result(["version"], []))).toBeUndefined();
  });
});

describe("restorePipelineState", () => {
  const input = { catalog: "awsdatacatalog", datasetName: "shop", pipelineName: "p" };
  const stateColumns = ["version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id"];
  const schemaColumns = ["version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema"];

  it("restores the newest committed state and the newest version of each of its schemas", async () => {
    const state = { _state_version: 2, pipeline_name: "p", schema_names: ["shop", "gone"], sources: {} };
    const client = fakeClient([
      ['"_dlt_pipeline_state"', () => result(stateColumns, [[2, 4, "p", encodeState(state), null, "vh", "1.1"]])],
      ["'shop' ORDER BY", () => result(schemaColumns, [[3, 11, null, "shop", "h", encodeState({ name: "shop", version: 3 })]])],
      ["'gone' ORDER BY", () => result(schemaColumns, [])],
    ]);
    expect(await restorePipelineState(client, input)).toEqual({ state, schemas: [{ name: "shop", version: 3 }] });
    expect(client.sent).toHaveLength(3);
  });

  it("gives undefined for a dataset without state tables", async () => {
    const client = fakeClient([['"_dlt_pipeline_state"', missing]]);
    expect(await restorePipelineState(client, input)).toBeUndefined();
  });
});
