import { describe, expect, it } from "vitest";

import { jsonValue, textValue } from "../../../src/cli/output/values.js";

describe("query values as JSON and text", () => {
  it("keeps NaN and ±Infinity apart from NULL", () => {
    expect(jsonValue(Number.NaN)).toBe("NaN");
    expect(jsonValue(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(jsonValue(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
    expect(jsonValue(null)).toBeNull();
    expect(JSON.stringify({ x: jsonValue(Number.NaN) })).toBe('{"x":"NaN"}');
    expect(textValue(Number.NaN)).toBe("NaN");
    expect(jsonValue(1.5)).toBe(1.5);
  });
});
