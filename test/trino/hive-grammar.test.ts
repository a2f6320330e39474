/**
 * The grammar check itself can fail: Hive DDL with a broken type, Trino's ADD COLUMN syntax and
 * Trino's WITH (...) table properties are rejected; the shapes we emit are accepted.
 */
import { describe, expect, it } from "vitest";
import { checkHiveGrammar } from "../../sandbox/hive-grammar.js";

describe("the Hive grammar check", () => {
  it("rejects DDL that Athena's Hive parser would reject", async () => {
    const errors = await checkHiveGrammar([
      "CREATE EXTERNAL TABLE `awsdatacatalog`.`d`.`t` (`a` strin g) STORED AS PARQUET LOCATION 's3://b/t/'",
      "ALTER TABLE `awsdatacatalog`.`d`.`t` ADD COLUMN (`a` string)",
      "CREATE EXTERNAL TABLE `d`.`t` (`a` string STORED AS PARQUET LOCATION 's3://b/t/'",
    ]);
    expect(errors.map((e) => e !== undefined)).toEqual([true, true, true]);
  });

  it("accepts the shapes the dialect emits", async () => {
    const errors = await checkHiveGrammar([
      "CREATE DATABASE IF NOT EXISTS `awsdatacatalog`.`shop`",
      "CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop`.`t` (`a` string, `b` decimal(18,2), `c` timestamp) STORED AS PARQUET LOCATION 's3://b/shop/t/'",
      "CREATE TABLE IF NOT EXISTS `awsdatacatalog`.`shop`.`i` (`a` bigint, `c` timestamp) PARTITIONED BY (`c`) LOCATION 's3://b/shop/i_1' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet')",
      "ALTER TABLE `awsdatacatalog`.`shop`.`t` ADD COLUMNS (`d` bigint, `e` boolean)",
      "DROP TABLE IF EXISTS `awsdatacatalog`.`shop`.`t`",
    ]);
    expect(errors).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
