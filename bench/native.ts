/**
 * The native baseline: the same flat rows, already columnar, appended to DuckDB in data chunks
 * and copied to Parquet, with no normalization, schema inference or coercion. It bounds how fast
 * our writer can get on this machine.
 */
import { join } from "node:path";
import {
  BIGINT,
  BOOLEAN,
  DECIMAL,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBTimestampMillisecondsValue,
  TIMESTAMP_MS,
  VARCHAR,
} from "@duckdb/node-api";
import type { FlatRow } from "./data.js";

const CHUNK = 2048;
const TYPES = [BIGINT, VARCHAR, DOUBLE, BOOLEAN, TIMESTAMP_MS, DECIMAL(18, 2), VARCHAR, BIGINT, DOUBLE, VARCHAR];

function unscaled(amount: string): bigint {
  const [whole = "0", fraction = ""] = amount.split(".");
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0"));
}

export async function writeNativeBaseline(directory: string, count: number, row: (i: number) => FlatRow): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(
    "CREATE TABLE flat (id BIGINT, name VARCHAR, score DOUBLE, active BOOLEAN, created_at TIMESTAMP_MS, amount DECIMAL(18,2), category VARCHAR, quantity BIGINT, ratio DOUBLE, note VARCHAR)",
  );
  const appender = await connection.createAppender("flat");
  // Columnar input, built before the clock of each chunk matters little: this is the shape a
  // columnar source (Arrow, a database cursor) would hand over.
  for (let start = 0; start < count; start += CHUNK) {
    const size = Math.min(CHUNK, count - start);
    const columns: unknown[][] = TYPES.map(() => new Array(size));
    for (let k = 0; k < size; k++) {
      const r = row(start + k);
      columns[0]![k] = BigInt(r.id);
      columns[1]![k] = r.name;
      columns[2]![k] = r.score;
      columns[3]![k] = r.active;
      columns[4]![k] = new DuckDBTimestampMillisecondsValue(BigInt(r.created_at.getTime()));
      columns[5]![k] = r.amount === null ? null : new DuckDBDecimalValue(unscaled(r.amount), 18, 2);
      columns[6]![k] = r.category;
      columns[7]![k] = BigInt(r.quantity);
      columns[8]![k] = r.ratio;
      columns[9]![k] = r.note;
    }
    const chunk = DuckDBDataChunk.create(TYPES, size);
    chunk.setColumns(columns as never);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  await connection.run(`COPY flat TO '${join(directory, "flat.parquet")}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 500000)`);
  connection.closeSync();
  instance.closeSync();
}
