-- load 1714392000.1234567
-- wave 0
-- [0.0.deleteTableFiles]
--   delete files of _dlt_pipeline_state in shop_data_staging/
-- [0.1.uploadFiles]
--   upload /pkg/jobs/orders.f0.0.parquet -> shop_data/orders/1714392000.1234567.a1b2c3d4e0.parquet
-- [0.2.uploadFiles]
--   upload /pkg/jobs/orders__items.f1.0.parquet -> shop_data/orders__items/1714392000.1234567.a1b2c3d4e1.parquet
-- wave 1
-- [1.0.uploadFiles]
--   upload /pkg/jobs/_dlt_pipeline_state.f2.0.parquet -> shop_data_staging/_dlt_pipeline_state/1714392000.1234567.a1b2c3d4e2.parquet
-- wave 2
-- [2.0.insertFromStaging]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_pipeline_state"("version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id", "_dlt_id") SELECT "version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."_dlt_pipeline_state";
-- wave 3
-- [3.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'LHu+WHyPDpjV+EopyOYucy/GL3hdFeYSs2GboHXR5zs=');
