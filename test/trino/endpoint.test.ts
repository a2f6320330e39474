/**
 * The sandbox's Athena endpoint as the SDK and our client see it: real states, paging with the
 * header row, column types, Athena-shaped failures that our classifier reads, cancellation,
 * work groups, and the Hive DDL translation (including what it refuses).
 */
import { randomBytes } from "node:crypto";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AthenaSqlClient } from "../../src/destination/athena/client.js";
import { UNDEFINED_RELATION } from "../../src/destination/sql-client.js";
import { sandboxInfo, trinoRows } from "../support/trino-sandbox.js";

const ds = `ep_${randomBytes(4).toString("hex")}`;
let sdk: AthenaClient;
let athena: AthenaSqlClient;

beforeAll(async () => {
  const env = sandboxInfo().env;
  sdk = new AthenaClient({
    endpoint: env["DESTINATION__ATHENA__CREDENTIALS__ENDPOINT_URL"],
    region: "us-east-1",
    credentials: { accessKeyId: env["DESTINATION__ATHENA__CREDENTIALS__AWS_ACCESS_KEY_ID"]!, secretAccessKey: env["DESTINATION__ATHENA__CREDENTIALS__AWS_SECRET_ACCESS_KEY"]! },
    maxAttempts: 1,
  });
  athena = new AthenaSqlClient({
    client: sdk, catalog: "awsdatacatalog", database: ds, queryResultBucket: env["DESTINATION__ATHENA__QUERY_RESULT_BUCKET"]!,
    poll: { initialMs: 20, maxMs: 100 },
  });
});
afterAll(() => sdk.destroy());

async function finalState(id: string): Promise<{ state: string; reason?: string; seen: string[] }> {
  const seen: string[] = [];
  for (;;) {
    const { QueryExecution: q } = await sdk.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = q!.Status!.State!;
    if (seen.at(-1) !== state) seen.push(state);
    if (state !== "QUEUED" && state !== "RUNNING") return { state, ...(q!.Status!.StateChangeReason ? { reason: q!.Status!.StateChangeReason } : {}), seen };
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the sandbox's Athena endpoint", () => {
  it("runs Hive DDL translated and Trino DML as sent, with typed results", async () => {
    await athena.execute(`CREATE DATABASE IF NOT EXISTS \`awsdatacatalog\`.\`${ds}\``);
    await athena.execute(
      `CREATE TABLE IF NOT EXISTS \`awsdatacatalog\`.\`${ds}\`.\`t\` (\`id\` bigint, \`d\` decimal(10,2), \`ts\` timestamp, \`b\` binary) ` +
        `LOCATION 's3://sandbox-data/${ds}/t_1' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet')`,
    );
    await athena.execute(`ALTER TABLE \`awsdatacatalog\`.\`${ds}\`.\`t\` ADD COLUMNS (\`note\` string, \`at2\` timestamp)`);
    await athena.execute(
      `INSERT INTO "awsdatacatalog"."${ds}"."t" VALUES (9007199254740993, 12.5, TIMESTAMP '2024-01-02 03:04:05.123456', X'6869', 'x', NULL)`,
    );
    const result = await athena.execute(`SELECT id, d, ts, b, note, at2, CAST(NULL AS varchar) AS nothing FROM "awsdatacatalog"."${ds}"."t"`);
    expect(result.columns).toEqual([
      { name: "id", type: "bigint" }, { name: "d", type: "decimal(10,2)" }, { name: "ts", type: "timestamp" },
      { name: "b", type: "varbinary" }, { name: "note", type: "varchar" }, { name: "at2", type: "timestamp" }, { name: "nothing", type: "varchar" },
    ]);
    expect(result.rows).toEqual([[9007199254740993n, "12.50", new Date("2024-01-02T03:04:05.123Z"), Uint8Array.from([0x68, 0x69]), "x", null, null]]);
    // Iceberg timestamps keep microseconds, as on Athena.
    expect(await trinoRows(`SELECT CAST(ts AS varchar) AS ts FROM awsdatacatalog.${ds}.t`)).toEqual([{ ts: "2024-01-02 03:04:05.123456" }]);
  });

  it("answers SHOW and DESCRIBE as Athena does (Hive names, no header row)", async () => {
    const rows = async (sql: string) => (await athena.execute(sql)).rows;
    expect(await rows(`SHOW TABLES IN \`${ds}\``)).toEqual([["t"]]);
    expect(await rows(`SHOW TABLES IN ${ds} 't*|x'`)).toEqual([["t"]]);
    expect(await rows(`SHOW TABLES IN ${ds} 'x*'`)).toEqual([]);
    expect(await rows(`SHOW DATABASES LIKE '${ds}*'`)).toEqual([[ds]]);
    expect(await rows(`SHOW COLUMNS IN ${ds}.t`)).toEqual([["id"], ["d"], ["ts"], ["b"], ["note"], ["at2"]]);
    expect(await rows(`SHOW COLUMNS FROM t IN ${ds}`)).toEqual([["id"], ["d"], ["ts"], ["b"], ["note"], ["at2"]]);
    // The endpoint answers with one tab-separated field per row, as Athena does; our client splits it.
    const described = (await athena.execute(`DESCRIBE ${ds}.t`)).rows.map((r) => r.map((f) => String(f ?? "").trim()));
    expect(described).toEqual([
      ["id", "bigint", ""], ["d", "decimal(10,2)", ""], ["ts", "timestamp", ""], ["b", "binary", ""], ["note", "string", ""], ["at2", "timestamp", ""],
    ]);
    await expect(athena.execute(`DESCRIBE ${ds}.missing`)).rejects.toMatchObject({ code: UNDEFINED_RELATION });
  });

  it("pages results like Athena: header row first, NextToken until the end", async () => {
    const page = (token?: string) => sdk.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 4, ...(token ? { NextToken: token } : {}) }));
    const { QueryExecutionId: id } = await sdk.send(new StartQueryExecutionCommand({
      QueryString: "SELECT x FROM UNNEST(sequence(1, 10)) AS u(x) ORDER BY x", ResultConfiguration: { OutputLocation: "s3://sandbox-results/r/" },
    }));
    expect((await finalState(id!)).state).toBe("SUCCEEDED");
    const values: (string | undefined)[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const p = await page(token);
      values.push(...(p.ResultSet?.Rows ?? []).map((r) => r.Data?.[0]?.VarCharValue));
      expect(p.ResultSet?.ResultSetMetadata?.ColumnInfo?.[0]).toMatchObject({ Name: "x", Type: "bigint" });
      token = p.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(values).toEqual(["x", ..."1 2 3 4 5 6 7 8 9 10".split(" ")]);
  });

  it("reports a missing table as Athena does, and our client calls it an undefined relation", async () => {
    const { QueryExecutionId: id } = await sdk.send(new StartQueryExecutionCommand({
      QueryString: `SELECT * FROM "awsdatacatalog"."${ds}"."missing"`, ResultConfiguration: { OutputLocation: "s3://sandbox-results/r/" },
    }));
    const final = await finalState(id!);
    expect(final.state).toBe("FAILED");
    expect(final.reason).toMatch(new RegExp(`^TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.${ds}.missing' does not exist`));
    await expect(athena.execute(`SELECT * FROM "awsdatacatalog"."nowhere_${ds}"."t"`)).rejects.toMatchObject({ code: UNDEFINED_RELATION });
    await expect(athena.execute(`ALTER TABLE \`awsdatacatalog\`.\`${ds}\`.\`missing\` ADD COLUMNS (\`a\` string)`)).rejects.toMatchObject({
      code: UNDEFINED_RELATION, message: expect.stringMatching(/SemanticException \[Error 10001\]: Table not found/),
    });
  });

  it("fails syntax errors terminally, with the reason and an AthenaError", async () => {
    const { QueryExecutionId: id } = await sdk.send(new StartQueryExecutionCommand({ QueryString: "SELEC 1", ResultConfiguration: { OutputLocation: "s3://sandbox-results/r/" } }));
    expect(await finalState(id!)).toMatchObject({ state: "FAILED", reason: expect.stringMatching(/^SYNTAX_ERROR: line 1:1: mismatched input 'SELEC'/) });
    const { QueryExecution: q } = await sdk.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    expect(q?.Status?.AthenaError).toMatchObject({ ErrorCategory: 2, Retryable: false });
    await expect(athena.execute("SELEC 1")).rejects.toMatchObject({ code: "athena_query_failed", isTransient: false });
  });

  it("refuses Hive DDL it does not translate, and Trino DDL where Athena expects Hive", async () => {
    await expect(athena.execute(`ALTER TABLE \`awsdatacatalog\`.\`${ds}\`.\`t\` REPLACE COLUMNS (\`a\` string)`)).rejects.toThrow(/does not translate/);
    await expect(athena.execute(`CREATE TABLE "awsdatacatalog"."${ds}"."u" (a varchar) WITH (format = 'PARQUET')`)).rejects.toThrow(/ParseException|expected an identifier/);
    await expect(athena.execute(`CREATE TABLE \`awsdatacatalog\`.\`${ds}\`.\`u\` (\`a\` string) LOCATION 's3://sandbox-data/${ds}/u/'`)).rejects.toThrow(/Only external table creation/);
  });

  it("moves a long query through QUEUED/RUNNING and cancels it on StopQueryExecution", async () => {
    const { QueryExecutionId: id } = await sdk.send(new StartQueryExecutionCommand({
      QueryString: "SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(y) CROSS JOIN UNNEST(sequence(1, 1000)) c(z)",
      ResultConfiguration: { OutputLocation: "s3://sandbox-results/r/" },
    }));
    const { QueryExecution: first } = await sdk.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    expect(["QUEUED", "RUNNING"]).toContain(first?.Status?.State);
    await sdk.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    expect((await finalState(id!)).state).toBe("CANCELLED");
    await expect(sdk.send(new GetQueryResultsCommand({ QueryExecutionId: id }))).rejects.toMatchObject({ name: "InvalidRequestException" });
  });

  it("answers GetWorkGroup and rejects unknown work groups and wrong keys", async () => {
    const { WorkGroup: wg } = await sdk.send(new GetWorkGroupCommand({ WorkGroup: "primary" }));
    expect(wg).toMatchObject({ Name: "primary", State: "ENABLED", Configuration: { ResultConfiguration: { OutputLocation: expect.stringMatching(/^s3:\/\//) } } });
    await expect(sdk.send(new StartQueryExecutionCommand({ QueryString: "SELECT 1", WorkGroup: "nope" }))).rejects.toMatchObject({ name: "InvalidRequestException" });
    const stranger = new AthenaClient({
      endpoint: sandboxInfo().env["DESTINATION__ATHENA__CREDENTIALS__ENDPOINT_URL"], region: "us-east-1", maxAttempts: 1,
      credentials: { accessKeyId: "AKIDSTRANGER", secretAccessKey: "x" },
    });
    await expect(stranger.send(new StartQueryExecutionCommand({ QueryString: "SELECT 1" }))).rejects.toMatchObject({ name: "UnrecognizedClientException" });
    stranger.destroy();
  });
});
