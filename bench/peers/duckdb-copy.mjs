// DuckDB's own limit: read_json of the NDJSON file, COPY to one Parquet file, nothing else (no
// flattening, no ids, no schema). Uses the project's DuckDB (@duckdb/node-api), all cores.
//   node bench/peers/duckdb-copy.mjs <input.ndjson> <output folder>
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const [input, output] = process.argv.slice(2);
const quote = (text) => `'${text.replace(/'/g, "''")}'`;
const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
const reader = await connection.runAndReadAll(
  `COPY (SELECT * FROM read_json(${quote(input)}, format = 'newline_delimited')) ` +
    `TO ${quote(join(output, "data.parquet"))} (FORMAT parquet, COMPRESSION snappy)`,
);
console.log(JSON.stringify({ records: Number(reader.getRows()[0]?.[0] ?? 0) }));
connection.closeSync();
instance.closeSync();
