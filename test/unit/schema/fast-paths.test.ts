import { describe, expect, it } from "vitest";

import { CANNOT_COERCE, DECIMAL_DATA_LOSS, coerceValue } from "../../../src/schema/coerce.js";
import { normalizeIdentifier, normalizePath } from "../../../src/schema/naming.js";
import { Schema } from "../../../src/schema/schema.js";

// Expected values written out (not computed with the module's own helpers): a value with more
// significant digits than the scale, or more integer digits than precision - scale, is data loss
// (dlt refuses it rather than rounding); negative zero becomes "0.00".
describe("decimal coercion shortcut for canonical strings", () => {
  it.each([
    ["9.50", 10, 2, "9.50"],
    ["0.05", 10, 2, "0.05"],
    ["-0.05", 10, 2, "-0.05"],
    ["-0.00", 10, 2, "0.00"], // negative zero is not canonical
    ["007.50", 10, 2, "7.50"], // leading zeros are not canonical
    ["1.5", 10, 2, "1.50"],
    ["1.500", 10, 2, "1.50"], // more digits than the scale, all zeros: nothing lost
    ["1.505", 10, 2, DECIMAL_DATA_LOSS], // a digit past the scale would be lost
    ["1.495", 10, 2, DECIMAL_DATA_LOSS],
    ["-1.505", 10, 2, DECIMAL_DATA_LOSS],
    ["12345678.90", 10, 2, "12345678.90"],
    ["123456789.00", 10, 2, DECIMAL_DATA_LOSS], // one integer digit too many
    ["0", 5, 0, "0"],
    ["-0", 5, 0, "0"],
    ["10", 5, 0, "10"],
    ["10.", 5, 0, "10"],
    ["+1.00", 10, 2, "1.00"],
    [" 1.00", 10, 2, "1.00"],
    ["1.0a", 10, 2, CANNOT_COERCE],
    ["-", 10, 0, CANNOT_COERCE],
    ["", 10, 0, CANNOT_COERCE],
    [".50", 10, 2, "0.50"],
  ] as const)("%j at DECIMAL(%i,%i) is %j", (text, precision, scale, expected) => {
    expect(coerceValue(text, { dataType: "decimal", precision, scale })).toEqual(expected);
  });

  it("returns text values as they are, ISO-looking ones included", () => {
    expect(coerceValue("2024-01-02T03:04:05Z", { dataType: "text" })).toBe("2024-01-02T03:04:05Z");
    expect(coerceValue(new Date(0), { dataType: "text" })).toBe("1970-01-01T00:00:00+00:00");
  });
});

describe("identifier caches", () => {
  it("give the same names on repeated calls and keep shortening per length", () => {
    expect(normalizeIdentifier("getHTTPResponseCode")).toBe("get_http_response_code");
    expect(normalizeIdentifier("getHTTPResponseCode")).toBe("get_http_response_code");
    const long = "a".repeat(300);
    expect(normalizeIdentifier(long).length).toBe(255);
    expect(normalizeIdentifier(long, 20).length).toBe(20);
    expect(normalizePath("Address__ZipCode")).toBe("address__zip_code");
    expect(() => normalizeIdentifier("  ")).toThrow();
    expect(() => normalizeIdentifier("  ")).toThrow();
  });
});

describe("Schema.coerceRow contract cache", () => {
  it("sees a schema contract set after rows were coerced", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { a: 1 });
    schema.coerceRow("t", { a: 2 });
    schema.setSchemaContract({ columns: "freeze" });
    expect(() => schema.coerceRow("t", { a: 3, b: 1 })).toThrow(/frozen/);
  });

  it("sees a table contract set by hints after rows were coerced", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { a: 1 });
    schema.applyHints("t", { schemaContract: { columns: "discard_row" } });
    expect(schema.coerceRow("t", { a: 3, b: 1 }).kind).toBe("discarded");
  });

  it("follows the override given per call", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { a: 1 });
    expect(schema.coerceRow("t", { b: 1 }, { contract: { columns: "discard_row" } }).kind).toBe("discarded");
    expect(schema.coerceRow("t", { b: 1 }).kind).toBe("ok");
  });

  it("resolves nested tables through their root's contract", () => {
    const schema = new Schema("s");
    schema.coerceRow("t", { a: 1 });
    schema.coerceRow("t__items", { x: 1 }, { parent: "t" });
    schema.applyHints("t", { schemaContract: { columns: "freeze" } });
    expect(() => schema.coerceRow("t__items", { y: 1 }, { parent: "t" })).toThrow(/frozen/);
  });
});
