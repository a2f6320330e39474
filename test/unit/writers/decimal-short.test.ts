import { describe, expect, it } from "vitest";
import { DecimalValueError, toUnscaledDecimal } from "../../../src/writers/decimal.js";

// Short decimals are parsed in double arithmetic; these sit on and around its limits.
describe("toUnscaledDecimal for short decimal text", () => {
  it.each([
    ["0.00", 18, 2, 0n],
    ["-0.00", 18, 2, 0n],
    ["-581106.94", 18, 2, -58_110_694n],
    ["1.", 18, 2, 100n],
    [".5", 18, 2, 50n],
    ["999999999999999", 18, 0, 999_999_999_999_999n], // 15 digits: the double path
    ["9999999999999999", 18, 0, 9_999_999_999_999_999n], // 16 digits: the bigint path
    ["9999999999999.99", 18, 2, 999_999_999_999_999n],
    ["99999999999999.99", 18, 2, 9_999_999_999_999_999n],
    ["9007199254740993", 38, 0, 9_007_199_254_740_993n], // 2^53 + 1 stays exact
    ["1.5", 38, 9, 1_500_000_000n],
  ])("%s at DECIMAL(%i,%i) is %s", (text, precision, scale, unscaled) => {
    expect(toUnscaledDecimal(text, precision, scale)).toBe(unscaled);
  });

  it.each([["1.234", 18, 2], ["1.2.3", 18, 2], ["-", 18, 2], [".", 18, 2], ["1e", 18, 2], ["1000", 3, 0]])(
    "refuses %s at DECIMAL(%i,%i)",
    (text, precision, scale) => {
      expect(() => toUnscaledDecimal(text, precision, scale)).toThrow(DecimalValueError);
    },
  );
});
