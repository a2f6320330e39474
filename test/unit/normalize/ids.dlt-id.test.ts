import { describe, expect, it } from "vitest";

import { childRowId, digest128, generateDltId, primaryKeyRowId } from "../../../src/normalize/ids.js";

// Expected values computed with Python: base64(hashlib.shake_128(s).digest(10)).rstrip("=").
describe("_dlt_id generation", () => {
  it("matches dlt's digest128 (shake_128, 10 bytes, unpadded base64)", () => {
    expect(digest128("abc")).toBe("WIEJLdgYv1z4ow");
    expect(childRowId("abc", "t", 0)).toBe("625dlY7ZTiYgeg");
  });

  it("makes root ids from 10 random bytes as 14 standard-base64 characters", () => {
    expect(generateDltId(() => new Uint8Array(10).fill(1))).toBe("AQEBAQEBAQEBAQ");
    expect(generateDltId(() => new Uint8Array(10).fill(255))).toBe("/////////////w");
    const ids = new Set(Array.from({ length: 100 }, () => generateDltId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9+/]{14}$/);
  });

  it("makes nested ids deterministic from parent id, table and position", () => {
    // dlt: digest128(f"{parent_row_id}_{table}_{pos}"), values from Python as above.
    expect(childRowId("p", "t__c", 1)).toBe("rz4Jf9BalcJiUQ");
    expect(childRowId("p", "t__c", 2)).toBe("O7qdCGpgVfLv/g");
    expect(digest128("p_t__c_1")).toBe("rz4Jf9BalcJiUQ");
  });

  it("hashes the primary key values as sorted compact JSON for upsert", () => {
    // digest128('{"sku":"p1"}') and digest128('{"a":1,"b":2}'), from Python as above.
    expect(primaryKeyRowId({ sku: "p1", price: 3 }, ["sku"])).toBe("HPRoLBM6RKv5mA");
    expect(primaryKeyRowId({ b: 2, a: 1n }, ["b", "a"])).toBe("7YJLC4XnC7j4mw");
  });
});
