-- load 1714392000.1234567
-- wave 0
-- [0.0.addColumns]
ALTER TABLE `awsdatacatalog`.`shop_data`.`orders` ADD COLUMNS (`coupon` string);
-- [0.1.uploadFiles]
--   upload /pkg/jobs/orders.f0.0.parquet -> shop_data/orders/1714392000.1234567.a1b2c3d4e0.parquet
-- wave 1
-- [1.0.recordSchema]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_version"("version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema") VALUES (2, 11, TIMESTAMP '2024-04-29 12:00:05.123', 'shop', '13yqkkfs/DqTGcwzp7lkt614CD1mzjrcgGUwEJbSqMc=', '<schema JSON>');
-- wave 2
-- [2.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', '13yqkkfs/DqTGcwzp7lkt614CD1mzjrcgGUwEJbSqMc=');
