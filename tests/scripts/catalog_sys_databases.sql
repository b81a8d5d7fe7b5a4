-- sys.databases broker columns: new databases have the broker enabled and distinct GUIDs; master has it disabled.
CREATE DATABASE cat_db1;
CREATE DATABASE cat_db2;
GO
SELECT name, is_broker_enabled, is_honor_broker_priority_on, is_trustworthy_on,
       CASE WHEN service_broker_guid IS NULL THEN 0 ELSE 1 END AS has_guid
FROM sys.databases WHERE name IN (N'master', N'cat_db1', N'cat_db2') ORDER BY name;
SELECT COUNT(DISTINCT service_broker_guid) AS distinct_guids FROM sys.databases WHERE name IN (N'cat_db1', N'cat_db2');
GO
USE cat_db1;
SELECT DB_NAME() AS db, CASE WHEN DB_ID() > 4 THEN 1 ELSE 0 END AS user_db_id;
SELECT service_broker_guid FROM sys.databases WHERE database_id = DB_ID();
GO
ALTER DATABASE cat_db1 SET TRUSTWORTHY ON;
ALTER DATABASE cat_db1 SET HONOR_BROKER_PRIORITY ON;
ALTER DATABASE cat_db2 SET DISABLE_BROKER;
GO
SELECT name, is_broker_enabled, is_honor_broker_priority_on, is_trustworthy_on
FROM sys.databases WHERE name IN (N'cat_db1', N'cat_db2') ORDER BY name;
GO
ALTER DATABASE cat_db2 SET ENABLE_BROKER WITH ROLLBACK IMMEDIATE;
SELECT is_broker_enabled FROM sys.databases WHERE name = N'cat_db2';
GO
USE master;
DROP DATABASE cat_db2;
SELECT COUNT(*) AS cat_db2_rows FROM sys.databases WHERE name = N'cat_db2';
GO
