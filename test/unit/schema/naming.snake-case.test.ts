import { describe, expect, it } from "vitest";

import {
  breakPath,
  makePath,
  normalizeIdentifier,
  normalizePath,
  normalizeTableIdentifier,
  shortenIdentifier,
} from "../../../src/schema/naming.js";

// Every example from reference §12.5 (verified against dlt's snake_case.py).
const EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ["CamelCase", "camel_case"],
  ["camelCase", "camel_case"],
  ["HTTPResponse", "http_response"],
  ["getHTTPResponseCode", "get_http_response_code"],
  ["ABCDef", "abc_def"],
  ["User ID", "user_id"],
  ["col with  spaces", "col_with_spaces"],
  ["1st_place", "_1st_place"],
  ["123", "_123"],
  ["Zürich Straße", "z_rich_stra_e"],
  ["émoji😀name", "_moji_name"],
  ["a-b+c*d@e|f", "a_bxcxdaelf"],
  ["trailing_", "trailingx"],
  ["price$", "pricex"],
  ["Order.Total", "order_total"],
];

describe("snake_case naming convention", () => {
  it.each(EXAMPLES)("normalizes %j to %j", (input, output) => {
    expect(normalizeIdentifier(input)).toBe(output);
    expect(normalizeTableIdentifier(input)).toBe(output);
  });

  it("keeps path separators and drops empty path parts", () => {
    expect(normalizePath("__double__under")).toBe("double__under");
    expect(normalizePath("Address__ZipCode")).toBe("address__zip_code");
    expect(breakPath("__a__b")).toEqual(["a", "b"]);
    expect(makePath("a", " ", "b")).toBe("a__b");
  });

  it("collapses underscores inside one identifier so `__` only ever means nesting", () => {
    expect(normalizeIdentifier("a__b")).toBe("a_b");
    expect(normalizeIdentifier("x___")).toBe("xxxx");
  });

  it("strips surrounding whitespace", () => {
    expect(normalizeIdentifier("  Name  ")).toBe("name");
  });

  it("refuses empty and blank identifiers", () => {
    expect(() => normalizeIdentifier("")).toThrow(/empty or blank/);
    expect(() => normalizeIdentifier("   ")).toThrow(/empty or blank/);
    expect(() => normalizePath("____")).toThrow(/empty or blank/);
  });

  it("shortens identifiers over 255 characters with dlt's shake_128 tag in the middle", () => {
    // Tag computed with Python: base64(shake_128(b"a"*300).digest(4)), "/+" -> "ab", lower-cased.
    const long = "a".repeat(300);
    const shortened = normalizeIdentifier(long);
    expect(shortened).toHaveLength(255);
    expect(shortened).toBe("a".repeat(125) + "1ftuiw" + "a".repeat(124));
  });

  it("leaves identifiers at the limit untouched and shortens to a custom length", () => {
    expect(normalizeIdentifier("b".repeat(255))).toBe("b".repeat(255));
    expect(shortenIdentifier("abcdefghij", "abcdefghij", 8)).toHaveLength(8);
    expect(shortenIdentifier("abcdefghij", "abcdefghij", 8).startsWith("a")).toBe(true);
  });

  it("derives the tag from the original name so long names that normalize alike stay distinct", () => {
    const a = normalizeIdentifier("X".repeat(300));
    const b = normalizeIdentifier("x".repeat(300));
    expect(a).not.toBe(b);
    expect(a.replace(/^x+|x+$/g, "")).not.toBe("");
  });
});
