/**
 * AthenaSqlClient failure handling against the fake endpoint: FAILED queries, missing relations,
 * throttling and transient errors retried with backoff, Iceberg commit races resubmitted,
 * timeouts, secrets kept out of errors, and the cap on statements in flight.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAthenaServer, type FakeAthenaServer } from "../../support/athena-server.js";
import { clientFor, failureOf, TEST_CREDENTIALS } from "./harness.js";

let server: FakeAthenaServer;
beforeAll(async () => {
  server = await startAthenaServer();
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

describe("AthenaSqlClient failures", () => {
  it("raises athena_query_failed with Athena's reason, the query id and the SQL", async () => {
    server.script(/FROM orders/, { runningPolls: 1, fail: { reason: "SYNTAX_ERROR: line 1:8: Column 'nope' cannot be resolved" } });
    const { athena } = clientFor(server);
    const error = await failureOf(athena.execute("SELECT nope FROM orders"));
    expect(error.code).toBe("athena_query_failed");
    expect(error.isTransient).toBe(false);
    expect(error.message).toContain("SYNTAX_ERROR: line 1:8: Column 'nope' cannot be resolved");
    expect(error.message).toContain("q-000001");
    expect(error.message).toContain("SELECT nope FROM orders");
    expect(error.meta).toMatchObject({ query_id: "q-000001", state: "FAILED", athena_error_type: 1301 });
    expect(server.queries).toHaveLength(1);
  });

  it("truncates very long SQL in the error", async () => {
    server.script(/^INSERT/, { fail: { reason: "HIVE_BAD_DATA: nope" } });
    const { athena } = clientFor(server);
    const sql = `INSERT INTO t VALUES ${"(1),".repeat(2000)}(1)`;
    const error = await failureOf(athena.execute(sql));
    expect(error.message.length).toBeLessThan(2300);
    expect(error.message).toContain("more characters)");
  });

  it("maps a missing table to undefined_relation, terminal", async () => {
    server.script(/FROM gone/, { fail: { reason: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.shop.gone' does not exist" } });
    const { athena } = clientFor(server);
    const error = await failureOf(athena.execute("SELECT * FROM gone"));
    expect(error.code).toBe("undefined_relation");
    expect(error.isTransient).toBe(false);
    expect(server.queries).toHaveLength(1);
  });

  it.each(["TooManyRequestsException", "ThrottlingException", "InternalServerException", "network"] as const)(
    "retries a start rejected with %s, then succeeds",
    async (error) => {
      server.script(/SELECT 1/, { rejectStart: { error, times: 2 } });
      const { athena, sleeps } = clientFor(server);
      const result = await athena.execute("SELECT 1");
      expect(result.statistics.queryId).toBe("q-000001");
      expect(server.bodiesOf("StartQueryExecution")).toHaveLength(3);
      // Full jitter with random() = 0.5: half of 200 ms, then half of 400 ms.
      expect(sleeps.slice(0, 2)).toEqual([100, 200]);
    },
  );

  it("gives up on throttling after the configured attempts, with a transient error", async () => {
    server.script(/SELECT 1/, { rejectStart: { error: "ThrottlingException", times: 100 } });
    const { athena } = clientFor(server, { retry: { attempts: 3 } });
    const error = await failureOf(athena.execute("SELECT 1"));
    expect(error.code).toBe("athena_retries_exhausted");
    expect(error.isTransient).toBe(true);
    expect(error.message).toContain("after 3 attempts");
    expect(error.message).toContain("ThrottlingException");
    expect(error.message).toContain("SELECT 1");
    expect(server.bodiesOf("StartQueryExecution")).toHaveLength(3);
  });

  it("does not retry an InvalidRequestException", async () => {
    server.script(/SELEC 1/, { rejectStart: { error: "InvalidRequestException", times: 5 } });
    const { athena } = clientFor(server);
    const error = await failureOf(athena.execute("SELEC 1"));
    expect(error.code).toBe("athena_query_failed");
    expect(error.message).toContain("InvalidRequestException");
    expect(server.bodiesOf("StartQueryExecution")).toHaveLength(1);
  });

  it("resubmits a query that lost an Iceberg commit race, with a new request token", async () => {
    server.script(/^INSERT INTO orders/, {
      fail: { reason: "ICEBERG_COMMIT_ERROR: Failed to commit Iceberg update to table: shop.orders" },
      times: 2,
    });
    const { athena } = clientFor(server);
    const result = await athena.execute("INSERT INTO orders SELECT * FROM shop_staging.orders");
    expect(server.queries).toHaveLength(3);
    expect(result.statistics.queryId).toBe("q-000003");
    const tokens = server.bodiesOf("StartQueryExecution").map((b) => b["ClientRequestToken"]);
    expect(new Set(tokens).size).toBe(3);
  });

  it("fails after the configured attempts when commits keep conflicting", async () => {
    server.script(/^INSERT INTO orders/, { fail: { reason: "ICEBERG_COMMIT_ERROR: conflict" } });
    const { athena } = clientFor(server, { retry: { attempts: 2 } });
    const error = await failureOf(athena.execute("INSERT INTO orders SELECT 1"));
    expect(error.code).toBe("athena_query_failed");
    expect(error.message).toContain("after 2 attempts");
    expect(error.message).toContain("ICEBERG_COMMIT_ERROR");
    expect(server.queries).toHaveLength(2);
  });

  it("stops a query that runs past the timeout", async () => {
    server.script(/slow/, { runningPolls: 1000 });
    let clock = 0;
    const { athena } = clientFor(server, { timeoutMs: 5_000, now: () => (clock += 1_000) });
    const error = await failureOf(athena.execute("SELECT * FROM slow"));
    expect(error.code).toBe("athena_query_timeout");
    expect(server.bodiesOf("StopQueryExecution")).toEqual([{ QueryExecutionId: "q-000001" }]);
  });

  it("never puts credentials in errors, even when the server echoes them", async () => {
    server.script(/leak/, { fail: { reason: `ACCESS_DENIED: bad key ${TEST_CREDENTIALS.secretAccessKey}` } });
    const { athena } = clientFor(server, { secrets: [TEST_CREDENTIALS.secretAccessKey] });
    const error = await failureOf(athena.execute("SELECT * FROM leak"));
    expect(error.message).not.toContain(TEST_CREDENTIALS.secretAccessKey);
    expect(JSON.stringify(error.meta)).not.toContain(TEST_CREDENTIALS.secretAccessKey);
    expect(error.message).toContain("***");
  });

  it("caps statements in flight at max_concurrent_queries", async () => {
    server.script(/^SELECT/, { runningPolls: 3 });
    const { athena } = clientFor(server, { maxConcurrentQueries: 2 });
    await Promise.all(Array.from({ length: 7 }, (_, i) => athena.execute(`SELECT ${i}`)));
    expect(server.queries).toHaveLength(7);
    expect(server.maxInFlight).toBe(2);
  });

  it("runs up to five statements at once by default", async () => {
    server.script(/^SELECT/, { runningPolls: 3 });
    const { athena } = clientFor(server);
    await Promise.all(Array.from({ length: 12 }, (_, i) => athena.execute(`SELECT ${i}`)));
    expect(server.maxInFlight).toBe(5);
  });
});
