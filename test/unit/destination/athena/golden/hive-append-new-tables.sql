-- load 1714392000.1234567
-- wave 0
-- [0.0.createDatabase]
CREATE DATABASE IF NOT EXISTS `awsdatacatalog`.`shop_data`;
-- [0.1.createDatabase]
CREATE DATABASE IF NOT EXISTS `awsdatacatalog`.`shop_data_staging`;
-- [0.2.deleteTableFiles]
--   delete files of _dlt_pipeline_state in shop_data_staging/
-- [0.3.uploadFiles]
--   upload /pkg/jobs/orders.f0.0.parquet -> shop_data/orders/1714392000.1234567.a1b2c3d4e0.parquet
-- [0.4.uploadFiles]
--   upload /pkg/jobs/orders__items.f1.0.parquet -> shop_data/orders__items/1714392000.1234567.a1b2c3d4e1.parquet
-- wave 1
-- [1.0.createIcebergTable]
CREATE TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`_dlt_version` (`version` bigint, `engine_version` bigint, `inserted_at` timestamp, `schema_name` string, `version_hash` string, `schema` string) LOCATION 's3://my-lake/raw/shop_data/_dlt_version_b486be6bb01d' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet');
-- [1.1.createIcebergTable]
CREATE TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`_dlt_loads` (`load_id` string, `schema_name` string, `status` bigint, `inserted_at` timestamp, `schema_version_hash` string) LOCATION 's3://my-lake/raw/shop_data/_dlt_loads_1cf48feaf37f' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet');
-- [1.2.createExternalTable]
CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`orders` (`id` bigint, `customer` string, `total` decimal(18,2), `created_at` timestamp, `qty` smallint, `_dlt_load_id` string, `_dlt_id` string) STORED AS PARQUET LOCATION 's3://my-lake/raw/shop_data/orders/';
-- [1.3.createExternalTable]
CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`orders__items` (`sku` string, `qty` bigint, `_dlt_parent_id` string, `_dlt_list_idx` bigint, `_dlt_root_id` string, `_dlt_id` string) STORED AS PARQUET LOCATION 's3://my-lake/raw/shop_data/orders__items/';
-- [1.4.createIcebergTable]
CREATE TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`_dlt_pipeline_state` (`version` bigint, `engine_version` bigint, `pipeline_name` string, `state` string, `created_at` timestamp, `version_hash` string, `_dlt_load_id` string, `_dlt_id` string) LOCATION 's3://my-lake/raw/shop_data/_dlt_pipeline_state_6a00e54d9655' TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet');
-- [1.5.createExternalTable]
CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data_staging`.`_dlt_pipeline_state` (`version` bigint, `engine_version` bigint, `pipeline_name` string, `state` string, `created_at` timestamp, `version_hash` string, `_dlt_load_id` string, `_dlt_id` string) STORED AS PARQUET LOCATION 's3://my-lake/raw/shop_data_staging/_dlt_pipeline_state/';
-- [1.6.uploadFiles]
--   upload /pkg/jobs/_dlt_pipeline_state.f2.0.parquet -> shop_data_staging/_dlt_pipeline_state/1714392000.1234567.a1b2c3d4e2.parquet
-- wave 2
-- [2.0.recordSchema]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_version"("version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema") VALUES (3, 11, TIMESTAMP '2024-04-29 12:00:05.123', 'shop', 'V6JbKj6d6ZvmFNM8jJzK8P1aCD6UOwxPAhc0Do3CzAI=', '<schema JSON>');
-- [2.1.insertFromStaging]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_pipeline_state"("version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id", "_dlt_id") SELECT "version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."_dlt_pipeline_state";
-- wave 3
-- [3.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'V6JbKj6d6ZvmFNM8jJzK8P1aCD6UOwxPAhc0Do3CzAI=');
-- location tag _dlt_version: b486be6bb01d
-- location tag _dlt_loads: 1cf48feaf37f
-- location tag _dlt_pipeline_state: 6a00e54d9655
