-- F-SYS-03: AutoCreatedLocal exists in every new database and in msdb, but not in master.
-- F-SYS-05: user-created message types, contracts, services and routes get ids >= 65536.
CREATE DATABASE sysr;
GO
USE sysr;
GO
SELECT name, route_id, remote_service_name, broker_instance, lifetime, address, mirror_address FROM sys.routes;
SELECT name, route_id, address FROM msdb.sys.routes;
SELECT COUNT(*) AS master_routes FROM master.sys.routes;
GO
CREATE MESSAGE TYPE m;
CREATE CONTRACT c (m SENT BY ANY);
CREATE QUEUE q;
CREATE SERVICE s ON QUEUE q (c);
CREATE ROUTE r WITH SERVICE_NAME = 's', ADDRESS = 'LOCAL';
GO
SELECT CASE WHEN MIN(message_type_id) >= 65536 THEN 1 ELSE 0 END AS mt_ok FROM sys.service_message_types WHERE name = N'm';
SELECT CASE WHEN MIN(service_contract_id) >= 65536 THEN 1 ELSE 0 END AS ct_ok FROM sys.service_contracts WHERE name = N'c';
SELECT CASE WHEN MIN(service_id) >= 65536 THEN 1 ELSE 0 END AS svc_ok FROM sys.services WHERE name = N's';
SELECT CASE WHEN MIN(route_id) > 65536 THEN 1 ELSE 0 END AS rt_ok FROM sys.routes WHERE name = N'r';
GO
