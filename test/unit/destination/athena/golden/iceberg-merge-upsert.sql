-- load 1714392000.1234567
-- wave 0
-- [0.0.deleteTableFiles]
--   delete files of orders, orders__items, orders__notes in shop_data_staging/
-- wave 1
-- [1.0.uploadFiles]
--   upload /pkg/jobs/orders.f0.0.parquet -> shop_data_staging/orders/1714392000.1234567.a1b2c3d4e0.parquet
-- [1.1.uploadFiles]
--   upload /pkg/jobs/orders__items.f1.0.parquet -> shop_data_staging/orders__items/1714392000.1234567.a1b2c3d4e1.parquet
-- wave 2
-- [2.0.mergeUpsert]
MERGE INTO "awsdatacatalog"."shop_data"."orders" AS d USING ( SELECT "id", "customer", "total", "created_at", "qty", "_dlt_load_id", "_dlt_id" FROM ( SELECT ROW_NUMBER() OVER (partition BY "id" ORDER BY (SELECT NULL)) AS _dlt_dedup_rn, "id", "customer", "total", "created_at", "qty", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders" ) AS _dlt_dedup_numbered WHERE _dlt_dedup_rn = 1 ) AS s ON d."id" = s."id" WHEN MATCHED THEN UPDATE SET "id" = s."id", "customer" = s."customer", "total" = s."total", "created_at" = s."created_at", "qty" = s."qty", "_dlt_load_id" = s."_dlt_load_id", "_dlt_id" = s."_dlt_id" WHEN NOT MATCHED THEN INSERT ("id", "customer", "total", "created_at", "qty", "_dlt_load_id", "_dlt_id") VALUES (s."id", s."customer", s."total", s."created_at", s."qty", s."_dlt_load_id", s."_dlt_id");
MERGE INTO "awsdatacatalog"."shop_data"."orders__items" AS d USING ( SELECT "sku", "qty", "_dlt_parent_id", "_dlt_list_idx", "_dlt_root_id", "_dlt_id" FROM ( SELECT ROW_NUMBER() OVER (partition BY "_dlt_id" ORDER BY (SELECT NULL)) AS _dlt_dedup_rn, "sku", "qty", "_dlt_parent_id", "_dlt_list_idx", "_dlt_root_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders__items" ) AS _dlt_dedup_numbered WHERE _dlt_dedup_rn = 1 ) AS s ON d."_dlt_id" = s."_dlt_id" WHEN MATCHED THEN UPDATE SET "sku" = s."sku", "qty" = s."qty", "_dlt_parent_id" = s."_dlt_parent_id", "_dlt_list_idx" = s."_dlt_list_idx", "_dlt_root_id" = s."_dlt_root_id", "_dlt_id" = s."_dlt_id" WHEN NOT MATCHED THEN INSERT ("sku", "qty", "_dlt_parent_id", "_dlt_list_idx", "_dlt_root_id", "_dlt_id") VALUES (s."sku", s."qty", s."_dlt_parent_id", s."_dlt_list_idx", s."_dlt_root_id", s."_dlt_id");
DELETE FROM "awsdatacatalog"."shop_data"."orders__items" WHERE "_dlt_root_id" IN (SELECT "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders") AND "_dlt_id" NOT IN (SELECT "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders__items");
DELETE FROM "awsdatacatalog"."shop_data"."orders__notes" WHERE "_dlt_parent_id" IN (SELECT "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders");
-- wave 3
-- [3.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'J0WhwQkT1xnUkcIG307pV6ul7X/ZHrn2yMwlaN8vOCU=');
