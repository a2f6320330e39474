-- load 1714392000.1234567
-- wave 0
-- [0.0.deleteTableFiles]
--   delete files of orders, orders__items in shop_data_staging/
-- wave 1
-- [1.0.uploadFiles]
--   upload /pkg/jobs/orders.f0.0.parquet -> shop_data_staging/orders/1714392000.1234567.a1b2c3d4e0.parquet
-- [1.1.uploadFiles]
--   upload /pkg/jobs/orders__items.f1.0.parquet -> shop_data_staging/orders__items/1714392000.1234567.a1b2c3d4e1.parquet
-- wave 2
-- [2.0.insertFromStaging]
INSERT INTO "awsdatacatalog"."shop_data"."orders"("id", "customer", "total", "created_at", "qty", "_dlt_load_id", "_dlt_id") SELECT "id", "customer", "total", "created_at", "qty", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders";
-- [2.1.insertFromStaging]
INSERT INTO "awsdatacatalog"."shop_data"."orders__items"("sku", "qty", "_dlt_parent_id", "_dlt_list_idx", "_dlt_root_id", "_dlt_id") SELECT "sku", "qty", "_dlt_parent_id", "_dlt_list_idx", "_dlt_root_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders__items";
-- wave 3
-- [3.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'nxw0w7LYlTDjj3UGDfaowjdWoFEHp+CJarWzO7H/jZM=');
