import { describe, expect, it } from "vitest";

import { diffSchemas, isEmptyUpdate } from "../../../src/schema/evolve.js";
import { canonicalJson, hashSchemaContent } from "../../../src/schema/hash.js";
import { MAX_PREVIOUS_HASHES, Schema } from "../../../src/schema/schema.js";

describe("schema version and hash", () => {
  it("starts at version 1 with dlt's version and loads tables in reference §8.1 column order", () => {
    const stored = new Schema("shop").toJSON();
    expect(stored.version).toBe(1);
    expect(stored.engineVersion).toBe(11);
    expect(stored.previousHashes).toEqual([]);
    expect(Object.keys(stored.tables)).toEqual(["_dlt_version", "_dlt_loads"]);
    expect(Object.keys(stored.tables._dlt_version?.columns ?? {})).toEqual([
      "version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema",
    ]);
    expect(Object.values(stored.tables._dlt_loads?.columns ?? {}).map((c) => [c.name, c.dataType, c.nullable])).toEqual([
      ["load_id", "text", false],
      ["schema_name", "text", true],
      ["status", "bigint", false],
      ["inserted_at", "timestamp", false],
      ["schema_version_hash", "text", true],
    ]);
  });

  it("defines _dlt_pipeline_state with its fixed columns; the normalizer appends _dlt_id", () => {
    const schema = new Schema("shop");
    schema.addStateTable();
    schema.coerceRow("_dlt_pipeline_state", {
      version: 1, engine_version: 4, pipeline_name: "p", state: "eJw=", created_at: new Date(0),
      version_hash: "h", _dlt_load_id: "1.1", _dlt_id: "abc",
    });
    expect(Object.keys(schema.getTable("_dlt_pipeline_state")?.columns ?? {})).toEqual([
      "version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id", "_dlt_id",
    ]);
    expect(schema.writeDispositionOf("_dlt_pipeline_state")).toBe("append");
  });

  it("gives the same content the same hash, independent of the schema name and version", () => {
    const a = new Schema("a");
    const b = new Schema("b");
    a.coerceRow("t", { x: 1, y: "s" });
    b.coerceRow("t", { x: 2, y: "other" });
    a.bumpVersion();
    b.bumpVersion();
    expect(a.toJSON().versionHash).toBe(b.toJSON().versionHash);
    expect(a.toJSON().versionHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("hashes canonical JSON, so key order does not matter", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}');
    const t1 = { t: { name: "t", columns: {}, resource: "r" } };
    const t2 = { t: { resource: "r", columns: {}, name: "t" } };
    expect(hashSchemaContent({ tables: t1, settings: {} })).toBe(hashSchemaContent({ tables: t2, settings: {} }));
  });

  it("bumps the version by one per change and keeps the previous hashes newest first", () => {
    const schema = new Schema("s");
    const h1 = schema.versionHash;
    schema.coerceRow("t", { a: 1 });
    schema.coerceRow("t", { b: 1 });
    expect(schema.bumpVersion()).toBe(true);
    expect(schema.version).toBe(2);
    const h2 = schema.versionHash;
    schema.coerceRow("t", { c: 1 });
    expect(schema.toJSON().version).toBe(2);
    schema.bumpVersion();
    const stored = schema.toJSON();
    expect(stored.version).toBe(3);
    expect(stored.previousHashes).toEqual([h2, h1]);
  });

  it("does not bump when data brings nothing new", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { a: 1 });
    schema.bumpVersion();
    const before = schema.toJSON();
    schema.coerceRow("t", { a: 2 });
    expect(schema.bumpVersion()).toBe(false);
    expect(schema.toJSON()).toEqual(before);
  });

  it("serializes without changing the schema: JSON.stringify leaves version and hash as they were", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { a: 1 });
    const before = { version: schema.version, hash: schema.versionHash };
    const first = JSON.parse(JSON.stringify(schema));
    const second = JSON.parse(JSON.stringify(schema));
    expect({ version: schema.version, hash: schema.versionHash }).toEqual(before);
    expect(first.version).toBe(1);
    expect(second).toEqual(first);
    expect(schema.bumpVersion()).toBe(true);
    expect(schema.version).toBe(2);
  });

  it("keeps at most ten previous hashes", () => {
    const schema = new Schema("s");
    for (let i = 0; i < 15; i++) {
      schema.coerceRow("t", { [`c${i}`]: i });
      schema.bumpVersion();
    }
    expect(schema.version).toBe(16);
    expect(schema.previousHashes).toHaveLength(MAX_PREVIOUS_HASHES);
  });

  it("round-trips through JSON without changing version or hash", () => {
    const schema = new Schema("s");
    schema.applyHints("orders", { writeDisposition: "merge", primaryKey: "id", tableFormat: "iceberg" });
    schema.coerceRow("orders", { id: 1, total: "9.50" });
    schema.bumpVersion();
    const stored = JSON.parse(JSON.stringify(schema.toJSON()));
    const restored = Schema.fromJSON(stored);
    expect(restored.toJSON()).toEqual(stored);
    expect(restored.contentHash()).toBe(stored.versionHash);
  });
});

describe("schema diff", () => {
  it("reports new tables with all their columns and new columns of known tables", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { a: 1 });
    schema.bumpVersion();
    const first = schema.toJSON();
    const initial = diffSchemas(undefined, first);
    expect(initial.tables.map((t) => [t.name, t.isNew, t.newColumns.length])).toEqual([
      ["_dlt_version", true, 6],
      ["_dlt_loads", true, 5],
      ["t", true, 1],
    ]);
    schema.coerceRow("t", { a: 2, b: "x" });
    schema.coerceRow("t__c", { v: 1 }, { parent: "t" });
    schema.bumpVersion();
    const update = diffSchemas(first, schema.toJSON());
    expect(update.tables.map((t) => [t.name, t.isNew, t.newColumns.map((c) => c.name)])).toEqual([
      ["t", false, ["b"]],
      ["t__c", true, ["v"]],
    ]);
  });

  it("is empty when nothing changed and skips tables that never saw data", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { a: 1 });
    const stored = schema.toJSON();
    expect(isEmptyUpdate(diffSchemas(stored, stored))).toBe(true);
    schema.applyHints("hinted", { columns: { id: { dataType: "bigint" } } });
    expect(isEmptyUpdate(diffSchemas(stored, schema.toJSON()))).toBe(true);
    expect(diffSchemas(stored, schema.toJSON(), { includeUnseen: true }).tables.map((t) => t.name)).toEqual(["hinted"]);
  });
});
