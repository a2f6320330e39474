/**
 * `dlt-athena query --local` speaks the dialect of `dlt-athena query` on Athena: the same rows
 * are loaded into the local engine (`run --local`) and over the AWS path into the sandbox (a
 * real Trino behind the Athena protocol), then the same statements run through `dlt-athena query`
 * on both and their documents must be equal: column names (Trino's `_col<i>` included), base
 * types and every value; SHOW and DESCRIBE, which the endpoint answers as Athena does, too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalProject } from "../support/local-project.js";
import type { QueryDocument } from "../support/local-project.js";
import { SandboxProject } from "../support/trino-sandbox.js";

const SCRIPT = `
import { pipeline, resource } from "dlt-athena";
const rows = [
  { id: 1, name: "Ann", score: 1.5, active: true, at: new Date("2024-01-02T03:04:05.678Z"), day: "2024-02-29", payload: '{"a":{"b":[1,"x",true]},"n":7}' },
  { id: 2, name: "Bob", score: -2.25, active: false, at: new Date("2023-12-31T23:59:59.999Z"), day: "2023-01-31", payload: '{"a":{"b":[]},"n":"seven"}' },
  { id: 3, name: "Ann", score: 0, active: true, at: new Date("2024-03-31T12:00:00.000Z"), day: "2024-12-30", payload: "not json" },
];
const columns = { day: { dataType: "date" }, payload: { dataType: "text" } };
await pipeline({ pipelineName: "dialect", destination: "athena", datasetName: process.env.DATASET }).run([
  resource(rows, { name: "events", writeDisposition: "replace", columns }),
  resource(rows, { name: "ice_events", writeDisposition: "replace", tableFormat: "iceberg", columns }),
]);
`;

// Two projects with the same script: one loads over the AWS path, the other runs --local.
const project = new SandboxProject();
const localProject = new LocalProject();
const ds = `dialect_${project.prefix}`;

beforeAll(() => {
  project.create({ "dialect.ts": SCRIPT });
  localProject.create({ "dialect.ts": SCRIPT });
  localProject.run("dialect.ts", { DATASET: ds });
  project.run("dialect.ts", { DATASET: ds });
});
afterAll(() => {
  project.cleanup();
  localProject.cleanup();
});

/** `query --local --json` on the local project. */
function local(sql: string): QueryDocument {
  return localProject.query(sql);
}

/** Athena reports base type names (`varchar`, `decimal`, `timestamp`); the local engine adds parameters. */
function baseType(type: string): string {
  return type.replace(/\((?:[^()]|\([^()]*\))*\)/g, "").replace(/\s+/g, " ").trim();
}

function comparable(doc: QueryDocument): unknown {
  return { columns: doc.columns.map((c) => ({ name: c.name, type: baseType(c.type) })), rows: doc.rows };
}

// Every statement runs unchanged on both engines; each table is a Hive table and an Iceberg table.
const QUERIES: ReadonlyArray<readonly [string, string]> = [
  [
    "date_format and date_parse with MySQL-style specifiers",
    `SELECT id, date_format(at, '%Y-%m-%d %H:%i:%s'), date_format(at, '%W %M %e %Y %r %j %f'), ` +
      `date_parse(date_format(at, '%Y/%m/%d %H'), '%Y/%m/%d %H'), date_format(day, '%d.%m.%y') FROM ${ds}.TABLE ORDER BY id`,
  ],
  [
    "date_trunc, date_add and date_diff with Trino's argument orders",
    `SELECT id, date_trunc('month', at), date_trunc('week', at), date_add('day', 1, at), date_add('month', -1, at), ` +
      `date_diff('day', at, TIMESTAMP '2024-03-01 00:00:00.000'), date_diff('month', at, TIMESTAMP '2024-03-31 00:00:00.000'), ` +
      `date_diff('hour', TIMESTAMP '2024-01-01 00:00:00.000', at) FROM ${ds}.TABLE ORDER BY id`,
  ],
  [
    "dates: date_trunc, date_add, date_diff and the day-of functions",
    `SELECT id, date_trunc('quarter', day), date_add('month', 1, day), date_diff('day', day, DATE '2025-01-01'), ` +
      `day_of_week(day), day_of_year(day), year_of_week(day), week(day), last_day_of_month(day) FROM ${ds}.TABLE ORDER BY id`,
  ],
  [
    "unixtime and ISO 8601 conversions in the UTC session zone",
    `SELECT id, to_unixtime(at), from_unixtime(to_unixtime(at)), from_iso8601_timestamp('2020-05-11'), ` +
      `from_iso8601_timestamp('2020-05-11T11:15:05.055+01:00'), from_iso8601_date('2020-05-11') FROM ${ds}.TABLE ORDER BY id`,
  ],
  [
    "json_extract_scalar, regexp_like, regexp_replace and regexp_extract",
    `SELECT id, json_extract_scalar(payload, '$.a.b[0]'), json_extract_scalar(payload, '$.a.b[1]'), json_extract_scalar(payload, '$.a'), ` +
      `json_extract_scalar(payload, '$.n'), regexp_like(name, '^A'), regexp_replace(name, '[aeiou]', '*'), regexp_extract(name, 'o.') ` +
      `FROM ${ds}.TABLE ORDER BY id`,
  ],
  [
    "cardinality and element_at on arrays",
    `SELECT id, cardinality(split(name, 'n')), element_at(split(name, 'n'), 1), element_at(split(name, 'n'), -1), ` +
      `element_at(split(name, 'n'), 9) FROM ${ds}.TABLE ORDER BY id`,
  ],
  [
    "approx_distinct, integer division and unnamed aggregates",
    `SELECT approx_distinct(name), approx_distinct(active), count(*), 7 / 2, sum(score) FROM ${ds}.TABLE`,
  ],
  ["aliases, column references and _col<i> in one select list", `SELECT name AS who, t.active, count(*), max(at) FROM ${ds}.TABLE AS t GROUP BY name, t.active ORDER BY 1, 2`],
];

describe.each(["events", "ice_events"])("the same query on the local engine and on Trino (%s)", (table) => {
  it.each(QUERIES)("%s", (_title, template) => {
    const sql = template.replaceAll("TABLE", table);
    const onTrino = project.query(sql);
    expect(onTrino.rows.length).toBeGreaterThan(0);
    expect(comparable(local(sql))).toEqual(comparable(onTrino));
  });
});

describe("metadata statements answer as on Athena", () => {
  it.each([
    `SHOW TABLES IN ${ds}`,
    `SHOW TABLES IN ${ds} '*events'`,
    `SHOW COLUMNS FROM ${ds}.events`,
    `SHOW COLUMNS FROM ${ds}.ice_events`,
    `DESCRIBE ${ds}.events`,
    `DESCRIBE ${ds}.ice_events`,
  ])("%s", (sql) => {
    const onTrino = project.query(sql);
    expect(onTrino.rows.length).toBeGreaterThan(1);
    expect(local(sql)).toEqual(onTrino);
  });
});
