import { inflateSync } from "node:zlib";

import { describe, expect, it } from "vitest";

import { MAX_STATEMENT_BYTES, athenaDialect, compileStep, compileUndo } from "../../../../src/destination/athena/dialect.js";
import type { LoadStep, TableRef } from "../../../../src/destination/plan.js";
import { LoadError } from "../../../../src/errors.js";

const ref = (table: string, database = "shop"): TableRef => ({ catalog: "awsdatacatalog", database, table });
const statements = (step: LoadStep) => {
  const compiled = compileStep(step);
  if (compiled.kind !== "sql") throw new Error("expected SQL");
  return compiled.statements;
};
const versionStep = (schema: string): LoadStep => ({
  kind: "recordSchema",
  table: ref("_dlt_version"),
  row: { version: 3, engineVersion: 11, insertedAt: new Date("2024-04-29T12:00:00.123Z"), schemaName: "shop", versionHash: "x1Yb=", schema },
});

describe("athena dialect", () => {
  it("writes the _dlt_version row with a timestamp literal and the schema text escaped", () => {
    expect(statements(versionStep('{"name":"it\'s"}'))).toEqual([
      `INSERT INTO "awsdatacatalog"."shop"."_dlt_version"("version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema") VALUES (3, 11, TIMESTAMP '2024-04-29 12:00:00.123', 'shop', 'x1Yb=', '{"name":"it''s"}')`,
    ]);
  });

  it("compresses a schema that would pass the statement limit (zlib + base64, as dlt does)", () => {
    const big = JSON.stringify({ tables: Array.from({ length: 6000 }, (_, i) => ({ name: `table_${i}`, columns: { id: "bigint" } })) });
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_STATEMENT_BYTES);
    const [sql = ""] = statements(versionStep(big));
    expect(Buffer.byteLength(sql)).toBeLessThanOrEqual(MAX_STATEMENT_BYTES);
    const literal = /'([A-Za-z0-9+/=]+)'\)$/.exec(sql)?.[1] ?? "";
    expect(inflateSync(Buffer.from(literal, "base64")).toString("utf8")).toBe(big);
  });

  it("refuses a statement that stays too long, naming the table, without producing it", () => {
    // Random-looking text does not compress.
    let seed = 1;
    const noise = Array.from({ length: 400_000 }, () => String.fromCharCode(33 + ((seed = (seed * 48271) % 2147483647) % 90))).join("");
    try {
      compileStep(versionStep(noise));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LoadError);
      expect((error as LoadError).code).toBe("statement_too_long");
      expect((error as LoadError).message).toContain("`_dlt_version`");
      expect((error as LoadError).meta.limit).toBe(MAX_STATEMENT_BYTES);
    }
    const wide: LoadStep = {
      kind: "createExternalTable",
      table: ref("wide"),
      columns: Array.from({ length: 12_000 }, (_, i) => ({ name: `a_rather_long_column_name_${i}`, dataType: "text" as const })),
      location: "s3://b/shop/wide/",
      ifNotExists: true,
    };
    expect(() => compileStep(wide)).toThrow(expect.objectContaining({ code: "statement_too_long", meta: expect.objectContaining({ table: "wide" }) }) as Error);
  });

  it("writes the _dlt_loads row", () => {
    const step: LoadStep = { kind: "recordLoad", table: ref("_dlt_loads"), row: { loadId: "1714392000.1234567", schemaName: "shop", status: 0, insertedAt: new Date("2024-04-29T12:00:05Z"), schemaVersionHash: "x1Yb=" } };
    expect(statements(step)).toEqual([
      `INSERT INTO "awsdatacatalog"."shop"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.000', 'x1Yb=')`,
    ]);
  });

  it("compiles file steps to file operations and dropTable to DDL", () => {
    const del: LoadStep = { kind: "deleteTableFiles", dataset: "shop", tables: ["orders"] };
    expect(athenaDialect.compileStep(del)).toEqual({ kind: "files", step: del });
    expect(statements({ kind: "dropTable", table: ref("orders") })).toEqual(["DROP TABLE IF EXISTS `awsdatacatalog`.`shop`.`orders`"]);
  });

  it("undoes an interrupted insert by deleting this load's staged row ids", () => {
    const step = { kind: "insertFromStaging" as const, target: ref("orders"), staging: ref("orders", "shop_staging"), columns: ["id", "_dlt_id"] };
    expect(compileUndo(step)).toEqual({
      kind: "sql",
      statements: ['DELETE FROM "awsdatacatalog"."shop"."orders" WHERE "_dlt_id" IN (SELECT "_dlt_id" FROM "awsdatacatalog"."shop_staging"."orders")'],
    });
    expect(() => compileUndo({ ...step, columns: ["id"] })).toThrow(expect.objectContaining({ code: "undo_unavailable" }) as Error);
  });

  it("refuses hostile identifiers inside any step", () => {
    expect(() => compileStep({ kind: "deleteAll", table: ref("x\n; DROP TABLE y") })).toThrow(expect.objectContaining({ code: "unsafe_identifier" }) as Error);
    expect(() => compileStep({ kind: "createExternalTable", table: ref("t"), columns: [], location: "s3://b/it's/", ifNotExists: true })).toThrow(
      expect.objectContaining({ code: "unsafe_literal" }) as Error,
    );
  });
});
