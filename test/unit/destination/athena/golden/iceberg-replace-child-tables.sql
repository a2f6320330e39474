-- load 1714392000.1234567
-- wave 0
-- [0.0.deleteTableFiles]
--   delete files of orders, orders__items in shop_data_staging/
-- wave 1
-- [1.0.uploadFiles]
--   upload /pkg/jobs/orders.f0.0.parquet -> shop_data_staging/orders/1714392000.1234567.a1b2c3d4e0.parquet
-- wave 2
-- [2.0.deleteAll]
DELETE FROM "awsdatacatalog"."shop_data"."orders" WHERE 1=1;
-- [2.1.deleteAll]
DELETE FROM "awsdatacatalog"."shop_data"."orders__items" WHERE 1=1;
-- wave 3
-- [3.0.insertFromStaging]
INSERT INTO "awsdatacatalog"."shop_data"."orders"("id", "customer", "total", "created_at", "qty", "_dlt_load_id", "_dlt_id") SELECT "id", "customer", "total", "created_at", "qty", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders";
-- wave 4
-- [4.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'NhYLof/1KCHdyLV71Hrjsgh1fqTBxVQWx9Wtn03oysw=');
