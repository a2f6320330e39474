/**
 * Shared setup for the Athena client tests: the fake endpoint plus a real SDK client pointed at
 * it, with instant sleeps so polling and backoff cost no wall time.
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { AthenaSqlClient, type AthenaSqlClientOptions } from "../../../src/destination/athena/client.js";
import type { FakeAthenaServer } from "../../support/athena-server.js";

export const TEST_CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret-key-123" } as const;

/** A client on the fake endpoint; `sleeps` records every delay asked for. */
export function clientFor(
  server: FakeAthenaServer,
  options: Partial<AthenaSqlClientOptions> = {},
): { athena: AthenaSqlClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const athena = new AthenaSqlClient({
    client: new AthenaClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
    database: "shop",
    catalog: "awsdatacatalog",
    // setImmediate, not a resolved promise: concurrent statements must really interleave.
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise((resolve) => setImmediate(resolve));
    },
    random: () => 0.5,
    ...options,
  });
  return { athena, sleeps };
}

/** The rejection of `promise`, failing the test when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<Error & { code?: string; meta?: Record<string, unknown>; isTransient?: boolean }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected a failure");
}
