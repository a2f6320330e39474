-- load 1714392000.1234567
-- wave 0
-- [0.0.deleteTableFiles]
--   delete files of orders in shop_data_staging/
-- [0.1.uploadFiles]
--   upload /pkg/jobs/customers.f1.0.parquet -> shop_data/data/customers/2024/apr/29/growth/1714392000.1234567.a1b2c3d4e1.parquet
--   upload /pkg/jobs/customers.f2.0.parquet -> shop_data/data/customers/2024/apr/29/growth/1714392000.1234567.a1b2c3d4e2.parquet
-- wave 1
-- [1.0.uploadFiles]
--   upload /pkg/jobs/orders.f0.0.parquet -> shop_data_staging/data/orders/2024/apr/29/growth/1714392000.1234567.a1b2c3d4e0.parquet
-- wave 2
-- [2.0.insertFromStaging]
INSERT INTO "awsdatacatalog"."shop_data"."orders"("id", "customer", "total", "created_at", "qty", "_dlt_load_id", "_dlt_id") SELECT "id", "customer", "total", "created_at", "qty", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders";
-- wave 3
-- [3.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', '37+Idl0L69VCZkAUz3pI47e9RybtaR1oSSHgCfXKlZY=');
