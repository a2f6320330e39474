/**
 * The dlt-athena peer of the bench, run as `dlt-athena run <this file> --local --json` in a fresh
 * project folder. Reads the NDJSON input in pages of 1,000 records, like the dlt peer.
 * Environment: BENCH_INPUT (the file), BENCH_TABLE (the table name), BENCH_TABLE_FIELD (route
 * each record to the table named by this field instead), BENCH_DECIMAL (a column hinted decimal(18,2)).
 */
import { pipeline, resource } from "dlt-athena";
import type { ColumnHint } from "dlt-athena";
import { ndjsonPages } from "./ndjson.mjs";

const input = process.env.BENCH_INPUT;
if (!input) throw new Error("BENCH_INPUT is not set");
const table = process.env.BENCH_TABLE ?? "data";
const field = process.env.BENCH_TABLE_FIELD;
const decimal = process.env.BENCH_DECIMAL;
const columns: Record<string, ColumnHint> = decimal ? { [decimal]: { dataType: "decimal", precision: 18, scale: 2 } } : {};

await pipeline({ pipelineName: "bench", datasetName: "bench" }).run(
  resource(() => ndjsonPages(input), {
    name: table,
    columns,
    ...(field ? { tableName: (item: unknown) => String((item as Record<string, unknown>)[field]) } : {}),
  }),
);
