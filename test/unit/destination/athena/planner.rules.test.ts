/** Planner rules that hold for every plan: waves, ordering, purity, refusals, query counts. */
import { fromDltStoredSchema } from "../../../../src/schema/dlt-format.js";
import type { DeployedState } from "../../../../src/destination/athena/planner.js";
import { describe, expect, it } from "vitest";

import { applyLocationTags, discoveryTableNames, planLoad } from "../../../../src/destination/athena/planner.js";
import type { LoadPlan, LoadStep } from "../../../../src/destination/plan.js";
import { LoadError } from "../../../../src/errors.js";
import { hashSchemaContent } from "../../../../src/schema/hash.js";
import type { TableSchema } from "../../../../src/schema/types.js";
import { CURRENT, child, countQueries, deployedColumns, deployedOf, filesOf, inputOf, schemaOf, table } from "./fixtures.js";

const orders = (extra: Partial<TableSchema> = {}) => table("orders", { id: { dataType: "bigint", primaryKey: true }, v: "text" }, extra);
const items = () => child("orders", "items", { sku: "text" });

/** Every scenario the rules are checked on. */
function scenarios(): [string, LoadPlan][] {
  const out: [string, LoadPlan][] = [];
  for (const format of ["hive", "iceberg"] as const) {
    for (const writeDisposition of ["append", "replace", "merge"] as const) {
      for (const mergeStrategy of ["delete-insert", "upsert"] as const) {
        const schema = schemaOf([orders({ tableFormat: format, writeDisposition, mergeStrategy }), items(), table("other", { x: "text" }, { tableFormat: format, writeDisposition })]);
        const files = filesOf("orders", "orders__items", "other", "_dlt_pipeline_state");
        const name = `${format}/${writeDisposition}/${mergeStrategy}`;
        out.push([`${name}/new`, planLoad(inputOf(schema, files))]);
        out.push([`${name}/current`, planLoad(inputOf(schema, files, { deployed: CURRENT }))]);
      }
    }
  }
  return out;
}

const icebergTargets = (step: LoadStep): string[] => {
  switch (step.kind) {
    case "insertFromStaging":
      return [step.target.table];
    case "deleteAll":
    case "recordSchema":
    case "recordLoad":
      return [step.table.table];
    case "mergeDeleteInsert":
    case "mergeUpsert":
      return [step.root.target.table, ...step.children.map((c) => c.target.table)];
    default:
      return [];
  }
};

describe("wave rules", () => {
  it.each(scenarios())("%s: never two commits to one Iceberg table in a wave", (_, plan) => {
    for (const wave of plan.waves) {
      const targets = wave.flatMap(icebergTargets);
      expect(new Set(targets).size).toBe(targets.length);
    }
  });

  it.each(scenarios())("%s: recordLoad is alone in the last wave", (_, plan) => {
    expect(plan.waves.at(-1)).toEqual([expect.objectContaining({ kind: "recordLoad" })]);
    expect(plan.waves.slice(0, -1).flat().some((s) => s.kind === "recordLoad")).toBe(false);
  });

  it.each(scenarios())("%s: file deletes come before uploads, DDL before DML, deleteAll before its insert", (_, plan) => {
    const waveOf = (pred: (s: LoadStep) => boolean) => plan.waves.flatMap((w, i) => (w.some(pred) ? [i] : []));
    const first = (pred: (s: LoadStep) => boolean) => Math.min(...waveOf(pred));
    const last = (pred: (s: LoadStep) => boolean) => Math.max(-1, ...waveOf(pred));
    const isDdl = (s: LoadStep) => ["createDatabase", "createExternalTable", "createIcebergTable", "addColumns"].includes(s.kind);
    const isDml = (s: LoadStep) => ["insertFromStaging", "deleteAll", "mergeDeleteInsert", "mergeUpsert", "recordSchema"].includes(s.kind);
    // An upload into a folder that this load empties comes after the delete.
    for (const [d, wave] of plan.waves.entries()) {
      for (const del of wave) {
        if (del.kind !== "deleteTableFiles") continue;
        const folders = del.tables.map((t) => `${del.dataset}/${t}/`);
        const uploadsInto = (s: LoadStep) => s.kind === "uploadFiles" && s.files.some((f) => folders.some((p) => f.key.startsWith(p)));
        expect(first(uploadsInto)).toBeGreaterThan(d);
      }
    }
    // Each ordering is checked only where the plan has both sides (an empty side has no order).
    if (waveOf(isDdl).length > 0 && waveOf(isDml).length > 0) expect(last(isDdl)).toBeLessThan(first(isDml));
    const isCreateTable = (s: LoadStep) => s.kind === "createExternalTable" || s.kind === "createIcebergTable";
    if (waveOf(isCreateTable).length > 0) expect(last((s) => s.kind === "createDatabase")).toBeLessThan(first(isCreateTable));
    for (const [i, wave] of plan.waves.entries()) {
      for (const step of wave.filter((s) => s.kind === "insertFromStaging")) {
        const deletedAt = waveOf((s) => s.kind === "deleteAll" && s.table.table === step.target.table);
        for (const d of deletedAt) expect(d).toBeLessThan(i);
      }
    }
  });

  it("has scenarios on both sides of each ordering rule, so none holds vacuously", () => {
    const all = scenarios();
    const has = (plan: LoadPlan, kinds: readonly string[]) => plan.waves.flat().some((s) => kinds.includes(s.kind));
    const withBoth = (a: readonly string[], b: readonly string[]) => all.filter(([, plan]) => has(plan, a) && has(plan, b)).length;
    expect(withBoth(["createDatabase", "createExternalTable", "createIcebergTable", "addColumns"], ["insertFromStaging", "deleteAll", "mergeDeleteInsert", "mergeUpsert", "recordSchema"])).toBeGreaterThanOrEqual(6);
    expect(withBoth(["createDatabase"], ["createExternalTable", "createIcebergTable"])).toBeGreaterThanOrEqual(6);
    expect(withBoth(["deleteTableFiles"], ["uploadFiles"])).toBeGreaterThanOrEqual(2);
    expect(withBoth(["deleteAll"], ["insertFromStaging"])).toBeGreaterThanOrEqual(1);
    expect(withBoth(["mergeDeleteInsert", "mergeUpsert"], ["recordSchema"])).toBeGreaterThanOrEqual(2);
  });

  it("skips all DDL and recordSchema when the schema version is recorded", () => {
    const schema = schemaOf([orders(), items()]);
    const plan = planLoad(inputOf(schema, filesOf("orders", "orders__items"), { deployed: CURRENT }));
    const kinds = plan.waves.flat().map((s) => s.kind);
    expect(kinds).toEqual(["uploadFiles", "uploadFiles", "recordLoad"]);
  });

  it("is deterministic and returns frozen data", () => {
    const input = inputOf(schemaOf([orders({ tableFormat: "iceberg", writeDisposition: "merge" }), items()]), filesOf("orders", "orders__items"));
    const a = planLoad(input);
    expect(planLoad(input)).toEqual(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.waves[0])).toBe(true);
  });
});

describe("tables and formats", () => {
  it("child tables follow their root's format and disposition", () => {
    const schema = schemaOf([orders({ tableFormat: "iceberg", writeDisposition: "replace" }), { ...items(), tableFormat: "hive" as const, writeDisposition: "append" as const }]);
    const steps = planLoad(inputOf(schema, filesOf("orders__items"), { deployed: CURRENT })).waves.flat();
    expect(steps.filter((s) => s.kind === "deleteAll").map((s) => (s.kind === "deleteAll" ? s.table.table : ""))).toEqual(["orders", "orders__items"]);
  });

  it("reuses the location tag recorded in the schema and reports new ones", () => {
    const schema = schemaOf([orders({ tableFormat: "iceberg", locationTag: "feedfacecafe" }), table("fresh", { a: "text" }, { tableFormat: "iceberg" })]);
    const plan = planLoad(inputOf(schema, filesOf("orders", "fresh")));
    const creates = plan.waves.flat().filter((s) => s.kind === "createIcebergTable");
    expect(creates.find((s) => s.table.table === "orders")?.location).toBe("s3://my-lake/raw/shop_data/orders_feedfacecafe");
    expect(plan.locationTags.orders).toBe("feedfacecafe");
    expect(plan.locationTags.fresh).toMatch(/^[0-9a-f]{12}$/);
    const other = planLoad(inputOf(schema, filesOf("orders", "fresh"), { loadId: "1714392999.1" }));
    expect(other.locationTags.fresh).not.toBe(plan.locationTags.fresh);
  });

  it("records the schema with its location tags, so the next load finds that hash", () => {
    const schema = schemaOf([orders({ tableFormat: "iceberg" })]);
    const plan = planLoad(inputOf(schema, filesOf("orders")));
    const next = applyLocationTags(schema, plan.locationTags);
    expect(next.version).toBe(schema.version + 1);
    expect(next.versionHash).toBe(hashSchemaContent(next));
    expect(next.previousHashes[0]).toBe(schema.versionHash);
    const steps = plan.waves.flat();
    const recorded = steps.find((s) => s.kind === "recordSchema");
    const load = steps.find((s) => s.kind === "recordLoad");
    expect(recorded?.kind === "recordSchema" && recorded.row.versionHash).toBe(next.versionHash);
    // Recorded in dlt's stored format, which reads back as the same schema.
    const document = recorded?.kind === "recordSchema" ? (JSON.parse(recorded.row.schema) as Record<string, unknown>) : {};
    expect(document.engine_version).toBe(11);
    expect(fromDltStoredSchema(document, next.engineVersion)).toEqual(next);
    expect(load?.kind === "recordLoad" && load.row.schemaVersionHash).toBe(next.versionHash);
    expect(applyLocationTags(next, plan.locationTags)).toBe(next);
  });

  it("creates only missing tables and adds only missing columns, case-insensitively", () => {
    const schema = schemaOf([orders({ columns: { ...orders().columns, extra: { name: "extra", dataType: "text", nullable: true } } })]);
    const deployed = deployedOf({ ...deployedColumns(schema, "shop_data", ["_dlt_version", "_dlt_loads", "_dlt_pipeline_state"]), "shop_data.orders": ["ID", "V", "_dlt_load_id", "_dlt_id"], "shop_data_staging._dlt_pipeline_state": [...Object.keys(schema.tables._dlt_pipeline_state?.columns ?? {})] });
    const steps = planLoad(inputOf(schema, filesOf("orders"), { deployed })).waves.flat();
    expect(steps.filter((s) => s.kind !== "uploadFiles").map((s) => s.kind)).toEqual(["addColumns", "recordSchema", "recordLoad"]);
    expect(steps[0]?.kind === "addColumns" && steps[0].columns.map((c) => c.name)).toEqual(["extra"]);
  });

  it("creates dlt tables with IF NOT EXISTS as Iceberg, even without force_iceberg", () => {
    const steps = planLoad(inputOf(schemaOf([]), [])).waves.flat();
    const dlt = steps.filter((s) => s.kind === "createIcebergTable").map((s) => s.kind === "createIcebergTable" && [s.table.table, s.ifNotExists]);
    expect(dlt).toEqual([["_dlt_version", true], ["_dlt_loads", true], ["_dlt_pipeline_state", true]]);
  });

  it("does not create tables that never saw data", () => {
    const schema = schemaOf([orders(), table("empty", { a: "text" }, { seenData: false })]);
    expect(discoveryTableNames(schema, ["orders"])).not.toContain("empty");
    const created = planLoad(inputOf(schema, filesOf("orders"))).waves.flat().filter((s) => s.kind === "createExternalTable");
    expect(created.map((s) => s.kind === "createExternalTable" && s.table.table)).not.toContain("empty");
  });

  it("refuses to turn a deployed Hive table into Iceberg", () => {
    const schema = schemaOf([orders()]);
    const deployed = deployedOf(deployedColumns(schema, "shop_data", ["orders"]));
    expect(() => planLoad(inputOf(schema, filesOf("orders"), { deployed, forceIceberg: true }))).toThrow(
      expect.objectContaining({ code: "table_format_change", meta: expect.objectContaining({ table: "orders", from: "hive", to: "iceberg" }) }) as Error,
    );
  });

  it("refuses to turn an Iceberg table (it has a location tag) into Hive by table_format, even with the schema current", () => {
    const schema = schemaOf([orders({ locationTag: "feedfacecafe", tableFormat: "hive" })]);
    expect(() => planLoad(inputOf(schema, filesOf("orders"), { deployed: CURRENT }))).toThrow(
      expect.objectContaining({ code: "table_format_change", meta: expect.objectContaining({ from: "iceberg", to: "hive" }) }) as Error,
    );
  });

  it("merges into an Iceberg table another pipeline created: the format comes from the destination, and its tag is recorded", () => {
    const schema = schemaOf([orders({ writeDisposition: "merge" })]);
    const columns = deployedColumns(schema, "shop_data", ["orders"])["shop_data.orders"]!;
    const deployed: DeployedState = { isSchemaCurrent: false, tables: new Map([["shop_data.orders", { columns, format: "iceberg", locationTag: "0123456789ab" }]]) };
    const plan = planLoad(inputOf(schema, filesOf("orders"), { deployed }));
    const steps = plan.waves.flat();
    expect(steps.some((s) => s.kind === "mergeDeleteInsert")).toBe(true);
    expect(steps.some((s) => s.kind === "createIcebergTable" && s.table.table === "orders")).toBe(false);
    expect(plan.locationTags).toMatchObject({ orders: "0123456789ab" });
    expect(plan.warnings).toEqual([]);
  });

  it("appends to a Hive table another pipeline created, even with force_iceberg unset and no hint", () => {
    const schema = schemaOf([orders()]);
    const columns = deployedColumns(schema, "shop_data", ["orders"])["shop_data.orders"]!;
    const deployed: DeployedState = { isSchemaCurrent: false, tables: new Map([["shop_data.orders", { columns, format: "hive" }]]) };
    const steps = planLoad(inputOf(schema, filesOf("orders"), { deployed })).waves.flat();
    expect(steps.filter((s) => s.kind === "uploadFiles").flatMap((s) => (s.kind === "uploadFiles" ? s.files.map((f) => f.key) : []))).toEqual([
      expect.stringMatching(/^shop_data\/orders\//),
    ]);
  });

  it("refuses a table_format that contradicts the deployed table, naming the table, both formats and the fix", () => {
    const schema = schemaOf([orders({ tableFormat: "hive" })]);
    const columns = deployedColumns(schema, "shop_data", ["orders"])["shop_data.orders"]!;
    const deployed: DeployedState = { isSchemaCurrent: false, tables: new Map([["shop_data.orders", { columns, format: "iceberg", locationTag: "0123456789ab" }]]) };
    expect(() => planLoad(inputOf(schema, filesOf("orders"), { deployed }))).toThrow(/`orders` exists in `shop_data` as a iceberg table.*makes it hive.*table_format="iceberg"/s);
  });

  it.each([
    ["time column", schemaOf([table("t", { at: "time" })]), filesOf("t"), "unsupported_data_type"],
    ["names colliding once lower-cased", schemaOf([table("t", { A: "text", a: "text" })]), filesOf("t"), "identifier_collision"],
    ["a newline in a column name", schemaOf([table("t", { "a\nb": "text" })]), filesOf("t"), "unsafe_identifier"],
    ["a file of an unknown table", schemaOf([]), filesOf("nope"), "unknown_table"],
    ["upsert without primary key", schemaOf([table("t", { a: "text" }, { tableFormat: "iceberg", writeDisposition: "merge", mergeStrategy: "upsert" })]), filesOf("t"), "merge_key_missing"],
  ])("refuses %s before anything runs", (_, schema, files, code) => {
    try {
      planLoad(inputOf(schema, files));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LoadError);
      expect((error as LoadError).code).toBe(code);
    }
  });
});

describe("query counts (reported figures)", () => {
  const tenTables = () => Array.from({ length: 10 }, (_, i) => table(`t${i}`, { id: "bigint", v: "text" }));
  const tenFiles = () => filesOf(...Array.from({ length: 10 }, (_, i) => `t${i}`), "_dlt_pipeline_state");
  // Discovery before planning: the version-hash check, plus INFORMATION_SCHEMA when it misses.
  const figure = (plan: LoadPlan, discovery: number) => {
    const { queries, chain } = countQueries(plan);
    return { queries: queries + discovery, chain: chain + discovery };
  };

  it("(a) first load of 10 Hive tables (with a state row)", () => {
    const result = figure(planLoad(inputOf(schemaOf(tenTables()), tenFiles())), 2);
    console.log("(a) first load of 10 tables:", result);
    expect(result).toEqual({ queries: 21, chain: 6 });
  });

  it("(b) append to the same 10 Hive tables, schema unchanged: at most 3 queries", () => {
    const result = figure(planLoad(inputOf(schemaOf(tenTables()), tenFiles(), { deployed: CURRENT })), 1);
    console.log("(b) append, unchanged schema:", result);
    expect(result.queries).toBeLessThanOrEqual(3);
    expect(result).toEqual({ queries: 3, chain: 3 });
  });

  it("(b') the same with 100 tables is still 3 queries", () => {
    const tables = Array.from({ length: 100 }, (_, i) => table(`t${i}`, { id: "bigint" }));
    const files = filesOf(...tables.map((t) => t.name), "_dlt_pipeline_state");
    expect(figure(planLoad(inputOf(schemaOf(tables), files, { deployed: CURRENT })), 1).queries).toBe(3);
  });

  it("(c) merge into 3 Iceberg tables (delete-insert, schema unchanged, with a state row)", () => {
    const tables = ["a", "b", "c"].map((n) => table(n, { id: { dataType: "bigint", primaryKey: true }, v: "text" }, { tableFormat: "iceberg", writeDisposition: "merge", locationTag: `${n}00000000000` }));
    const result = figure(planLoad(inputOf(schemaOf(tables), filesOf("a", "b", "c", "_dlt_pipeline_state"), { deployed: CURRENT })), 1);
    console.log("(c) merge into 3 Iceberg tables:", result);
    expect(result).toEqual({ queries: 9, chain: 4 });
    const upsert = tables.map((t) => ({ ...t, mergeStrategy: "upsert" as const }));
    const upsertResult = figure(planLoad(inputOf(schemaOf(upsert), filesOf("a", "b", "c", "_dlt_pipeline_state"), { deployed: CURRENT })), 1);
    console.log("(c) the same with upsert:", upsertResult);
    expect(upsertResult).toEqual({ queries: 6, chain: 3 });
  });
});
