import { describe, expect, it } from "vitest";

import { resolveContract } from "../../../src/schema/contracts.js";
import { Schema } from "../../../src/schema/schema.js";
import { DltAthenaError } from "../../../src/errors.js";

/** A schema whose table `t` has already seen data with column `a` (bigint). */
function schemaWithData(): Schema {
  const schema = new Schema("s");
  const first = schema.coerceRow("t", { a: 1, _dlt_id: "r0" });
  expect(first.kind).toBe("ok");
  return schema;
}

function thrown(fn: () => unknown): DltAthenaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DltAthenaError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("schema contracts", () => {
  it("resolves a string to all entities and lets the more specific layer win per entity", () => {
    expect(resolveContract("freeze")).toEqual({ tables: "freeze", columns: "freeze", dataType: "freeze" });
    expect(resolveContract({ columns: "discard_row" }, "freeze")).toEqual({
      tables: "freeze",
      columns: "discard_row",
      dataType: "freeze",
    });
    expect(resolveContract(undefined, undefined)).toEqual({ tables: "evolve", columns: "evolve", dataType: "evolve" });
  });

  describe("tables", () => {
    it("evolve creates the new table", () => {
      const schema = schemaWithData();
      expect(schema.coerceRow("u", { x: 1 }, { contract: { tables: "evolve" } }).kind).toBe("ok");
      expect(schema.getTable("u")?.columns.x?.dataType).toBe("bigint");
    });

    it("freeze throws naming the table and changes nothing", () => {
      const schema = schemaWithData();
      const error = thrown(() => schema.coerceRow("u", { x: 1 }, { contract: { tables: "freeze" } }));
      expect(error.code).toBe("schema_contract_violation");
      expect(error.message).toBe("Can't add table `u` because `tables` are frozen.");
      expect(schema.getTable("u")).toBeUndefined();
    });

    it.each(["discard_row", "discard_value"] as const)("%s drops the row of a new table", (mode) => {
      const schema = schemaWithData();
      expect(schema.coerceRow("u", { x: 1 }, { contract: { tables: mode } })).toEqual({ kind: "discarded", entity: "tables" });
      expect(schema.getTable("u")).toBeUndefined();
    });

    it("applies to nested tables of an existing root (inheriting the root's contract)", () => {
      const schema = schemaWithData();
      schema.applyHints("t", { schemaContract: { tables: "freeze" } });
      expect(() => schema.coerceRow("t__items", { v: 1 }, { parent: "t" })).toThrow(/`t__items`/);
    });

    it("always lets dlt's own tables through", () => {
      const schema = schemaWithData();
      schema.setSchemaContract("freeze");
      expect(schema.coerceRow("_dlt_pipeline_state", { version: 1 }).kind).toBe("ok");
    });

    it("treats a table known only from hints as new", () => {
      const schema = new Schema("s");
      schema.applyHints("h", { columns: { id: { dataType: "bigint" } } });
      expect(() => schema.coerceRow("h", { id: 1 }, { contract: "freeze" })).toThrow(/`tables` are frozen/);
    });
  });

  describe("columns", () => {
    it("evolve adds the column to an existing table", () => {
      const schema = schemaWithData();
      const result = schema.coerceRow("t", { a: 2, b: "x" }, { contract: { columns: "evolve" } });
      expect(result.kind === "ok" && result.newColumns.map((c) => c.name)).toEqual(["b"]);
    });

    it("freeze throws with dlt's message naming table and column", () => {
      const schema = schemaWithData();
      const error = thrown(() => schema.coerceRow("t", { a: 2, x: "new" }, { contract: { columns: "freeze" } }));
      expect(error.code).toBe("schema_contract_violation");
      expect(error.message).toBe("Can't add table column `x` to table `t` because `columns` are frozen.");
      expect(error.meta).toMatchObject({ entity: "columns", table: "t", column: "x" });
      expect(schema.getTable("t")?.columns.x).toBeUndefined();
    });

    it("discard_row drops the whole row and adds nothing", () => {
      const schema = schemaWithData();
      const result = schema.coerceRow("t", { b: "first", a: 2, x: "new" }, { contract: { columns: "discard_row" } });
      expect(result).toEqual({ kind: "discarded", entity: "columns", column: "b" });
      expect(Object.keys(schema.getTable("t")?.columns ?? {})).toEqual(["a", "_dlt_id"]);
    });

    it("discard_value drops only the new column's value", () => {
      const schema = schemaWithData();
      const result = schema.coerceRow("t", { a: 2, x: "new" }, { contract: { columns: "discard_value" } });
      expect(result).toEqual({ kind: "ok", row: { a: 2n }, newColumns: [], isNewTable: false });
    });

    it("lets a new table take any columns even when columns are frozen", () => {
      const schema = schemaWithData();
      expect(schema.coerceRow("u", { p: 1, q: "z" }, { contract: { columns: "freeze" } }).kind).toBe("ok");
    });

    it("always accepts _dlt columns", () => {
      const schema = schemaWithData();
      expect(schema.coerceRow("t", { a: 1, _dlt_load_id: "1.2" }, { contract: "freeze" }).kind).toBe("ok");
    });
  });

  describe("data_type", () => {
    it("evolve creates a variant column", () => {
      const schema = schemaWithData();
      const result = schema.coerceRow("t", { a: "abc" }, { contract: { dataType: "evolve" } });
      expect(result.kind === "ok" && result.row).toEqual({ a__v_text: "abc" });
    });

    it("freeze throws instead of creating a variant", () => {
      const schema = schemaWithData();
      const error = thrown(() => schema.coerceRow("t", { a: "abc" }, { contract: { dataType: "freeze" } }));
      expect(error.code).toBe("schema_contract_violation");
      expect(error.message).toContain("`a__v_text`");
      expect(error.message).toContain("`data_type` is frozen");
    });

    it("discard_row drops the row", () => {
      const schema = schemaWithData();
      expect(schema.coerceRow("t", { a: "abc" }, { contract: { dataType: "discard_row" } })).toEqual({
        kind: "discarded",
        entity: "dataType",
        column: "a__v_text",
      });
    });

    it("discard_value drops only the value that does not fit", () => {
      const schema = schemaWithData();
      const result = schema.coerceRow("t", { a: "abc", _dlt_id: "r1" }, { contract: { dataType: "discard_value" } });
      expect(result.kind === "ok" && result.row).toEqual({ _dlt_id: "r1" });
      expect(schema.getTable("t")?.columns.a__v_text).toBeUndefined();
    });

    it("still coerces values that fit without consulting the contract", () => {
      const schema = schemaWithData();
      const result = schema.coerceRow("t", { a: "42" }, { contract: "freeze" });
      expect(result.kind === "ok" && result.row).toEqual({ a: 42n });
    });
  });

  it("reads the contract from the schema settings when none is given", () => {
    const schema = schemaWithData();
    schema.setSchemaContract({ columns: "freeze" });
    expect(() => schema.coerceRow("t", { zz: 1 })).toThrow(/`zz`/);
  });
});
