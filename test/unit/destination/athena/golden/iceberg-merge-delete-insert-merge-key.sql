-- load 1714392000.1234567
-- wave 0
-- [0.0.deleteTableFiles]
--   delete files of events in shop_data_staging/
-- wave 1
-- [1.0.uploadFiles]
--   upload /pkg/jobs/events.f0.0.parquet -> shop_data_staging/events/1714392000.1234567.a1b2c3d4e0.parquet
-- wave 2
-- [2.0.mergeDeleteInsert]
DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data_staging`.`events_delete_3e4714`;
CREATE TABLE "awsdatacatalog"."shop_data_staging"."events_delete_3e4714" AS SELECT d."_dlt_id" FROM "awsdatacatalog"."shop_data"."events" AS d WHERE EXISTS (SELECT 1 FROM "awsdatacatalog"."shop_data_staging"."events" AS s WHERE (d."day" = s."day" AND d."kind" = s."kind"));
DELETE FROM "awsdatacatalog"."shop_data"."events" WHERE "_dlt_id" IN (SELECT * FROM "awsdatacatalog"."shop_data_staging"."events_delete_3e4714");
INSERT INTO "awsdatacatalog"."shop_data"."events"("day", "kind", "n", "_dlt_load_id", "_dlt_id") SELECT "day", "kind", "n", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."events";
DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data_staging`.`events_delete_3e4714`;
-- wave 3
-- [3.0.recordLoad]
INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:05.123', 'LWDNfnDf53n08yaZjPY7LCNzmObp6MgPzYsOUvV6slg=');
