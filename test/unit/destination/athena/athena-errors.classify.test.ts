/**
 * The one function that reads Athena's failure texts: one case per string it recognizes
 * (reference §9.2 lists dlt's), plus look-alikes that must not match.
 */
import { describe, expect, it } from "vitest";
import { classifyAthenaMessage, isRetryableAthenaError } from "../../../../src/destination/athena/athena-errors.js";

describe("classifyAthenaMessage", () => {
  it.each([
    // Trino (DML / SELECT)
    ["TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.shop.orders' does not exist", "undefined_relation"],
    ["SCHEMA_NOT_FOUND: line 1:15: Schema 'shop' does not exist", "undefined_relation"],
    ["line 1:15: Table 'awsdatacatalog.shop.orders' does not exist", "undefined_relation"],
    ["line 1:15: Schema 'shop' does not exist", "undefined_relation"],
    ["line 1:15: Catalog 'nope' does not exist", "undefined_relation"],
    // Hive (DDL), as dlt matches it: "Table" + " not found", "Database does not exist"
    ["FAILED: SemanticException [Error 10001]: Table not found orders", "undefined_relation"],
    ["FAILED: SemanticException [Error 10072]: Database does not exist: shop", "undefined_relation"],
    // Glue, through Athena
    ["Database shop not found.", "undefined_relation"],
    // Iceberg commit races: retried
    ["ICEBERG_COMMIT_ERROR: Failed to commit Iceberg update to table: shop.orders", "commit_conflict"],
    ["ConcurrentModificationException: Update table failed due to concurrent modifications", "commit_conflict"],
    ["org.apache.iceberg.exceptions.CommitFailedException: Table metadata refresh is required", "commit_conflict"],
    // Look-alikes that are terminal
    ["COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved", "terminal"],
    ["line 1:8: Column 'nope' does not exist in table orders", "terminal"],
    ["The specified bucket does not exist", "terminal"],
    ["SYNTAX_ERROR: line 1:1: mismatched input 'SELEC'", "terminal"],
    ["HIVE_BAD_DATA: Error parsing field value", "terminal"],
    ["NOT_SUPPORTED: Modifying Hive table rows is only supported for transactional tables", "terminal"],
  ])("%s → %s", (message, expected) => {
    expect(classifyAthenaMessage(message)).toBe(expected);
  });
});

describe("isRetryableAthenaError", () => {
  const sdkError = (name: string, status?: number) =>
    Object.assign(new Error(name), { name, ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}) });

  it.each([
    [sdkError("TooManyRequestsException", 400), true],
    [sdkError("ThrottlingException", 400), true],
    [sdkError("InternalServerException", 500), true],
    [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), true],
    [sdkError("InvalidRequestException", 400), false],
    [sdkError("AccessDeniedException", 400), false],
    ["not an error", false],
  ])("%s → %s", (error, expected) => {
    expect(isRetryableAthenaError(error)).toBe(expected);
  });
});
