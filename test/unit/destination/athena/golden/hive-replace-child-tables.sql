-- load 1714392000.1234567
-- wave 0
-- [0.0.deleteTableFiles]
--   delete files of orders, orders__items, orders__items__tags in shop_data/
-- wave 1
-- [1.0.uploadFiles]
--   upload /pkg/jobs/orders.f0.0.parquet -> shop_data/orders/1714392000.1234567.a1b2c3d4e0.parquet
-- wave 2
-- [2.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'F1+lR00chpFpppv1Q60IB00nDv1422hxEelRYfUW+7A=');
