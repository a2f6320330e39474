-- load 1714392000.1234567
-- wave 0
-- [0.0.createDatabase]
CREATE DATABASE IF NOT EXISTS `awsdatacatalog`.`shop_data`;
-- [0.1.deleteTableFiles]
--   delete files of we"ird`tab in shop_data/
-- wave 1
-- [1.0.createIcebergTable]
CREATE TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`_dlt_version` (`version` bigint, `engine_version` bigint, `inserted_at` timestamp, `schema_name` string, `version_hash` string, `schema` string) LOCATION 's3://my-lake/raw/shop_data/_dlt_version_b486be6bb01d' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet');
-- [1.1.createIcebergTable]
CREATE TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`_dlt_loads` (`load_id` string, `schema_name` string, `status` bigint, `inserted_at` timestamp, `schema_version_hash` string) LOCATION 's3://my-lake/raw/shop_data/_dlt_loads_1cf48feaf37f' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet');
-- [1.2.createExternalTable]
CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`we"ird``tab` (`col"quote` string, `col``tick` string, `semi;colon` bigint, `select` string, `ünïcode` double, `_dlt_load_id` string, `_dlt_id` string) STORED AS PARQUET LOCATION 's3://my-lake/raw/shop_data/we"ird`tab/';
-- [1.3.uploadFiles]
--   upload /pkg/jobs/we"ird`tab.f0.0.parquet -> shop_data/we"ird`tab/1714392000.1234567.a1b2c3d4e0.parquet
-- wave 2
-- [2.0.recordSchema]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_version"("version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema") VALUES (3, 11, TIMESTAMP '2024-04-29 12:00:05.123', 'shop', 'zImfnGHZHdljmdTgVgHDX8bOP29EX4qBKlbeBVL4wy8=', '<schema JSON>');
-- wave 3
-- [3.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'zImfnGHZHdljmdTgVgHDX8bOP29EX4qBKlbeBVL4wy8=');
-- location tag _dlt_version: b486be6bb01d
-- location tag _dlt_loads: 1cf48feaf37f

-- load 1714392001.1
-- wave 0
-- [0.0.createDatabase]
CREATE DATABASE IF NOT EXISTS `awsdatacatalog`.`shop_data`;
-- [0.1.createDatabase]
CREATE DATABASE IF NOT EXISTS `awsdatacatalog`.`shop_data_staging`;
-- [0.2.deleteTableFiles]
--   delete files of we"ird`tab in shop_data_staging/
-- wave 1
-- [1.0.createIcebergTable]
CREATE TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`_dlt_version` (`version` bigint, `engine_version` bigint, `inserted_at` timestamp, `schema_name` string, `version_hash` string, `schema` string) LOCATION 's3://my-lake/raw/shop_data/_dlt_version_2cbf8e977393' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet');
-- [1.1.createIcebergTable]
CREATE TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`_dlt_loads` (`load_id` string, `schema_name` string, `status` bigint, `inserted_at` timestamp, `schema_version_hash` string) LOCATION 's3://my-lake/raw/shop_data/_dlt_loads_45c4483fa577' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet');
-- [1.2.createIcebergTable]
CREATE TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`we"ird``tab` (`col"quote` string, `col``tick` string, `semi;colon` bigint, `select` string, `ünïcode` double, `_dlt_load_id` string, `_dlt_id` string) LOCATION 's3://my-lake/raw/shop_data/we"ird`tab_da421f014cc6' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet');
-- [1.3.createExternalTable]
CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data_staging`.`we"ird``tab` (`col"quote` string, `col``tick` string, `semi;colon` bigint, `select` string, `ünïcode` double, `_dlt_load_id` string, `_dlt_id` string) STORED AS PARQUET LOCATION 's3://my-lake/raw/shop_data_staging/we"ird`tab/';
-- [1.4.uploadFiles]
--   upload /pkg/jobs/we"ird`tab.f0.0.parquet -> shop_data_staging/we"ird`tab/1714392001.1.a1b2c3d4e0.parquet
-- wave 2
-- [2.0.recordSchema]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_version"("version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema") VALUES (3, 11, TIMESTAMP '2024-04-29 12:00:05.123', 'shop', 'IckcN/DcZRU+ISuiF+1OVEd1YG1KVAsn3EFJalBMTzA=', '<schema JSON>');
-- [2.1.deleteAll]
DELETE FROM "awsdatacatalog"."shop_data"."we""ird`tab" WHERE 1=1;
-- wave 3
-- [3.0.insertFromStaging]
INSERT INTO "awsdatacatalog"."shop_data"."we""ird`tab"("col""quote", "col`tick", "semi;colon", "select", "ünïcode", "_dlt_load_id", "_dlt_id") SELECT "col""quote", "col`tick", "semi;colon", "select", "ünïcode", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."we""ird`tab";
-- wave 4
-- [4.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392001.1', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'IckcN/DcZRU+ISuiF+1OVEd1YG1KVAsn3EFJalBMTzA=');
-- location tag _dlt_version: 2cbf8e977393
-- location tag _dlt_loads: 45c4483fa577
-- location tag we"ird`tab: da421f014cc6
