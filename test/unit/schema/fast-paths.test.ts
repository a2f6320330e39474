import { describe, expect, it } from "vitest";

import { CANNOT_COERCE, DECIMAL_DATA_LOSS, coerceValue } from "../../../src/schema/coerce.js";
import { formatDecimal, integerDigits, parseDecimal, rescaleDecimal } from "../../../src/schema/decimal.js";
import { normalizeIdentifier, normalizePath } from "../../../src/schema/naming.js";
import { Schema } from "../../../src/schema/schema.js";

/** What toDecimal returns without its canonical-string shortcut (the general path). */
function generalDecimal(text: string, precision: number, scale: number): unknown {
  const parsed = parseDecimal(text);
  if (parsed === undefined) return CANNOT_COERCE;
  const scaled = rescaleDecimal(parsed, scale);
  if (parsed.scale > scale && rescaleDecimal(scaled, parsed.scale).unscaled !== parsed.unscaled) return DECIMAL_DATA_LOSS;
  return integerDigits(scaled) > precision - scale ? DECIMAL_DATA_LOSS : formatDecimal(scaled);
}

describe("decimal coercion shortcut for canonical strings", () => {
  it.each([
    ["9.50", 10, 2],
    ["0.05", 10, 2],
    ["-0.05", 10, 2],
    ["-0.00", 10, 2], // negative zero is not canonical: becomes "0.00"
    ["007.50", 10, 2], // leading zeros are not canonical
    ["1.5", 10, 2],
    ["1.500", 10, 2], // more digits than the scale, all zeros: no data lost
    ["1.505", 10, 2], // more digits than the scale: data loss
    ["12345678.90", 10, 2],
    ["123456789.00", 10, 2], // one integer digit too many
    ["0", 5, 0],
    ["-0", 5, 0],
    ["10", 5, 0],
    ["10.", 5, 0],
    ["+1.00", 10, 2],
    [" 1.00", 10, 2],
    ["1.0a", 10, 2],
    ["-", 10, 0],
    ["", 10, 0],
    [".50", 10, 2],
  ])("%j at DECIMAL(%i,%i) matches the general path", (text, precision, scale) => {
    expect(coerceValue(text, { dataType: "decimal", precision, scale })).toEqual(generalDecimal(text, precision, scale));
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
