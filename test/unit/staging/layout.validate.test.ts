import { describe, expect, it } from "vitest";
import { ConfigError, exitCodeOf } from "../../../src/errors.js";
import { renderLayout, tablePrefix, validateLayoutForAthena, type LayoutRule } from "../../../src/staging/layout.js";

function violation(layout: string, extra: readonly string[] = []): ConfigError {
  try {
    validateLayoutForAthena(layout, extra);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected '${layout}' to be rejected`);
}

describe("validateLayoutForAthena", () => {
  // Reference §11.5 test matrix, plus literal text before the table folder.
  it.each([
    "{table_name}/{load_id}.{file_id}.{ext}",
    "{table_name}/{load_id}/{file_id}.{ext}",
    "data/{table_name}/{load_id}.{file_id}.{ext}",
    "{table_name}/{YYYY}/{MM}/{DD}/{load_id}.{file_id}.{ext}",
    "{table_name}/{schema_name}-{file_id}",
  ])("accepts %s", (layout) => {
    expect(() => validateLayoutForAthena(layout)).not.toThrow();
  });

  it("accepts placeholders declared in extra_placeholders (list or map)", () => {
    expect(() => validateLayoutForAthena("{table_name}/{region}/{file_id}.{ext}", ["region"])).not.toThrow();
    expect(() => validateLayoutForAthena("{table_name}/{region}/{file_id}.{ext}", { region: "eu" })).not.toThrow();
  });

  const cases: [string, LayoutRule, string][] = [
    ["{schema_name}.{table_name}/{load_id}.{file_id}.{ext}", "placeholder_before_table_name",
      "No other placeholders are allowed before {table_name} but you have ['schema_name'] present."],
    ["{schema_name}/{table_name}/{load_id}.{file_id}.{ext}", "placeholder_before_table_name", "['schema_name']"],
    ["{table_name}88{load_id}-u-{file_id}.{ext}", "table_needs_own_folder",
      "Table requires its own folder, please add a '/' after your {table_name}."],
    ["{table_name}{load_id}/{file_id}.{ext}", "separator_after_table_name", "A separator is required after a {table_name}."],
    ["{load_id}.{file_id}.{ext}", "table_name_missing", "{table_name} placeholder not found."],
    ["{table_name}/{load_id}.{ext}", "file_id_missing", "{file_id} placeholder not found."],
    ["{file_id}/{table_name}/{load_id}.{ext}", "file_id_before_table_name", "{file_id} must appear after {table_name}."],
    ["{table_name}/{load_idd}.{file_id}.{ext}", "unknown_placeholder", "Unknown placeholder(s) {load_idd}."],
    ["{file_id}.{ext}/{table_name}", "file_id_before_table_name", "{file_id} must appear after {table_name}."],
    // Paths that would leave <bucket_url>/<dataset>/ or collide with another table's folder.
    ["../{table_name}/{load_id}.{file_id}.{ext}", "unsafe_path", "has a `..` segment"],
    ["{table_name}/../../{load_id}.{file_id}.{ext}", "unsafe_path", "has a `..` segment"],
    ["/{table_name}/{load_id}.{file_id}.{ext}", "unsafe_path", "starts with `/`"],
    ["{table_name}//{load_id}.{file_id}.{ext}", "unsafe_path", "empty segment"],
    ["{table_name}/{load_id}/", "unsafe_path", "empty segment"],
    ["{table_name}\\{load_id}.{file_id}.{ext}", "unsafe_path", "backslash"],
    ["{table_name}/./{load_id}.{file_id}.{ext}", "unsafe_path", "`.` segment"],
  ];

  it.each(cases)("rejects %s (rule %s)", (layout, rule, detail) => {
    const error = violation(layout);
    expect(error.code).toBe("invalid_layout");
    expect(error.meta).toMatchObject({ layout, rule });
    expect(error.message).toContain(`layout='${layout}'`);
    expect(error.message).toContain(`rule: ${rule}`);
    expect(error.message).toContain(detail);
    expect(error.message).toContain("An example of valid layout: `{table_name}/{load_id}.{file_id}.{ext}`");
    expect(exitCodeOf(error)).toBe(2);
  });

  it("rejects {table_name} at the very end: the table has no folder", () => {
    expect(violation("data/{table_name}").meta.rule).toBe("file_id_missing");
    expect(() => tablePrefix("data/{table_name}", "orders")).toThrow(/rule: table_needs_own_folder/);
  });

  it("names every unknown placeholder and the declared extras", () => {
    const error = violation("{table_name}/{a}/{b}/{file_id}.{ext}", ["region"]);
    expect(error.message).toContain("{a}, {b}");
    expect(error.message).toContain("declared: {region}");
    expect(error.meta["unknown"]).toEqual(["a", "b"]);
  });

  it("checks unknown placeholders first, so a typo in {table_name} is named as such", () => {
    expect(violation("{tabel_name}/{file_id}.{ext}").meta.rule).toBe("unknown_placeholder");
  });
});

describe("tablePrefix", () => {
  it("cuts the layout after the table folder", () => {
    expect(tablePrefix("{table_name}/{load_id}.{file_id}.{ext}", "orders")).toBe("orders/");
    expect(tablePrefix("data/{table_name}/{load_id}/{file_id}.{ext}", "orders__items")).toBe("data/orders__items/");
  });

  it("refuses layouts without a table folder and unsafe table names", () => {
    expect(() => tablePrefix("{table_name}_{file_id}.{ext}", "orders")).toThrow(/table_needs_own_folder/);
    expect(() => tablePrefix("{table_name}/{file_id}.{ext}", "")).toThrow(/Invalid table name/);
    expect(() => tablePrefix("{table_name}/{file_id}.{ext}", "..")).toThrow(/Invalid table name/);
    expect(() => tablePrefix("{table_name}/{file_id}.{ext}", "a/b")).toThrow(/Invalid table name/);
  });
});

describe("renderLayout keeps keys inside the dataset folder", () => {
  it("refuses an extra placeholder whose value climbs out of the folder", () => {
    const render = (region: string) =>
      renderLayout("{table_name}/{region}/{load_id}.{file_id}.{ext}", {
        schemaName: "s", tableName: "orders", loadId: "1.1", fileId: "f", ext: "parquet",
        loadPackageTimestamp: new Date(0), extraPlaceholders: { region },
      });
    expect(render("eu")).toBe("orders/eu/1.1.f.parquet");
    expect(() => render("../../etc")).toThrow(expect.objectContaining({ code: "invalid_layout", meta: expect.objectContaining({ rule: "unsafe_path" }) }) as Error);
    expect(() => render("")).toThrow(/empty segment/);
  });
});
