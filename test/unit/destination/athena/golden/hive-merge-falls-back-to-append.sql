-- load 1714392000.1234567
-- wave 0
-- [0.0.uploadFiles]
--   upload /pkg/jobs/orders.f0.0.parquet -> shop_data/orders/1714392000.1234567.a1b2c3d4e0.parquet
-- [0.1.uploadFiles]
--   upload /pkg/jobs/orders__items.f1.0.parquet -> shop_data/orders__items/1714392000.1234567.a1b2c3d4e1.parquet
-- wave 1
-- [1.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', '/GMId4RMar4FFOrg7l+nrBr86QOtELLCDVKfTY7oL4k=');
-- warning: Table `orders` has write_disposition "merge", but Hive tables cannot be merged into: its rows were appended. Set `tableFormat: "iceberg"` on the resource (or `[destination.athena] force_iceberg = true`) for a real merge.
