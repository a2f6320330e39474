import { describe, expect, it } from "vitest";

import { inferDataType, isInt64 } from "../../../src/schema/infer.js";
import { isIsoTimestamp, parseIsoTimestamp } from "../../../src/schema/temporal.js";

describe("type inference", () => {
  it.each([
    ["plain text", "hello", "text"],
    ["a UTC ISO timestamp", "2024-01-02T03:04:05Z", "timestamp"],
    ["an ISO timestamp with ms and offset", "2024-01-02T03:04:05.123+02:00", "timestamp"],
    ["an ISO timestamp with a space separator", "2024-01-02 03:04:05", "timestamp"],
    ["a plain date (stays text)", "2024-01-02", "text"],
    ["an impossible date (stays text)", "2024-02-30T00:00:00Z", "text"],
    ["an integer", 42, "bigint"],
    ["a negative integer", -7, "bigint"],
    ["a fraction", 1.5, "double"],
    ["NaN", Number.NaN, "double"],
    ["a JS bigint beyond 2^53", 2n ** 60n, "bigint"],
    ["a JS bigint beyond int64", 2n ** 64n, "decimal"],
    ["an integral number beyond int64", 1e20, "double"],
    ["a boolean", false, "bool"],
    ["a Date", new Date(0), "timestamp"],
    ["bytes", new Uint8Array([1]), "binary"],
    ["a Buffer", Buffer.from("x"), "binary"],
    ["an object", { a: 1 }, "json"],
    ["an array", [1, 2], "json"],
  ])("infers %s as its dlt type", (_label, value, expected) => {
    expect(inferDataType(value)).toBe(expected);
  });

  it("creates no type for null and undefined", () => {
    expect(inferDataType(null)).toBeUndefined();
    expect(inferDataType(undefined)).toBeUndefined();
  });

  it("treats an exact int64 boundary as bigint", () => {
    expect(isInt64(2n ** 63n - 1n)).toBe(true);
    expect(isInt64(-(2n ** 63n))).toBe(true);
    expect(isInt64(2n ** 63n)).toBe(false);
  });

  it("parses ISO timestamps to UTC and reads naive times as UTC", () => {
    expect(parseIsoTimestamp("2024-01-02T03:04:05.123+02:00")?.toISOString()).toBe("2024-01-02T01:04:05.123Z");
    expect(parseIsoTimestamp("2024-01-02T03:04:05")?.toISOString()).toBe("2024-01-02T03:04:05.000Z");
    expect(parseIsoTimestamp("2024-01-02T03:04:05.123456-0130")?.toISOString()).toBe("2024-01-02T04:34:05.123Z");
    expect(parseIsoTimestamp("2024-01-02")?.toISOString()).toBe("2024-01-02T00:00:00.000Z");
    expect(parseIsoTimestamp("yesterday")).toBeUndefined();
    expect(isIsoTimestamp("2024-13-01T00:00:00Z")).toBe(false);
  });
});
