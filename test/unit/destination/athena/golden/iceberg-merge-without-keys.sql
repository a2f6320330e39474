-- load 1714392000.1234567
-- wave 0
-- [0.0.deleteTableFiles]
--   delete files of logs in shop_data_staging/
-- wave 1
-- [1.0.uploadFiles]
--   upload /pkg/jobs/logs.f0.0.parquet -> shop_data_staging/logs/1714392000.1234567.a1b2c3d4e0.parquet
-- wave 2
-- [2.0.insertFromStaging]
INSERT INTO "awsdatacatalog"."shop_data"."logs"("line", "_dlt_load_id", "_dlt_id") SELECT "line", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."logs";
-- wave 3
-- [3.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'x6CRXXfAwlf9hcjzC2qePea6SKtS1VEEenyGVY3tIy0=');
-- warning: Table `logs` has write_disposition "merge" but neither primary_key nor merge_key: its rows were appended.
