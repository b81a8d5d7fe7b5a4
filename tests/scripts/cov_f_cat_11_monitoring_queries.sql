-- F-CAT-11: the monitoring queries of 07 §5 run without error and return plausible rows.
CREATE DATABASE mon;
GO
USE mon;
GO
CREATE MESSAGE TYPE [//mon/Req] VALIDATION = WELL_FORMED_XML;
CREATE CONTRACT [//mon/C] ([//mon/Req] SENT BY INITIATOR);
CREATE QUEUE dbo.InitQ;
CREATE QUEUE dbo.TargetQ;
CREATE SERVICE [//mon/Init] ON QUEUE dbo.InitQ;
CREATE SERVICE [//mon/Target] ON QUEUE dbo.TargetQ ([//mon/C]);
CREATE BROKER PRIORITY [//mon/P] FOR CONVERSATION
    SET (CONTRACT_NAME = [//mon/C], LOCAL_SERVICE_NAME = [//mon/Init], REMOTE_SERVICE_NAME = N'//mon/Target', PRIORITY_LEVEL = 6);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//mon/Init] TO SERVICE '//mon/Missing' ON CONTRACT [//mon/C] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//mon/Req] (N'<stuck/>');
GO
-- 1. broker GUID of the current database
SELECT CASE WHEN service_broker_guid IS NOT NULL THEN 1 ELSE 0 END AS has_guid FROM sys.databases WHERE database_id = DB_ID();
-- 2. port of the broker endpoint (no endpoint: empty)
SELECT tcpe.port
FROM sys.tcp_endpoints AS tcpe
INNER JOIN sys.service_broker_endpoints AS ssbe ON ssbe.endpoint_id = tcpe.endpoint_id
WHERE ssbe.name = N'BrokerEndpoint';
-- 3. priorities with names
SELECT scp.name AS priority_name, ssc.name AS contract_name, ssvc.name AS local_service_name,
       scp.remote_service_name, scp.priority AS priority_level
FROM sys.conversation_priorities AS scp
INNER JOIN sys.service_contracts AS ssc ON scp.service_contract_id = ssc.service_contract_id
INNER JOIN sys.services AS ssvc ON scp.local_service_id = ssvc.service_id
ORDER BY priority_name, contract_name, local_service_name, scp.remote_service_name;
-- 4. queue status overview
SELECT t1.name AS [Service_Name], t3.name AS [Schema_Name], t2.name AS [Queue_Name],
       CASE WHEN t4.state IS NULL THEN 'Not available' ELSE t4.state END AS [Queue_State],
       CASE WHEN t4.tasks_waiting IS NULL THEN '--' ELSE CONVERT(VARCHAR, t4.tasks_waiting) END AS tasks_waiting,
       CASE WHEN t4.last_activated_time IS NULL THEN '--' ELSE CONVERT(VARCHAR, t4.last_activated_time) END AS last_activated_time,
       CASE WHEN t4.last_empty_rowset_time IS NULL THEN '--' ELSE CONVERT(VARCHAR, t4.last_empty_rowset_time) END AS last_empty_rowset_time,
       (SELECT COUNT(*) FROM sys.transmission_queue t6 WHERE (t6.from_service_name = t1.name)) AS [Tran_Message_Count]
FROM sys.services t1
INNER JOIN sys.service_queues t2 ON (t1.service_queue_id = t2.object_id)
INNER JOIN sys.schemas t3 ON (t2.schema_id = t3.schema_id)
LEFT OUTER JOIN sys.dm_broker_queue_monitors t4 ON (t2.object_id = t4.queue_id AND t4.database_id = DB_ID())
INNER JOIN sys.databases t5 ON (t5.database_id = DB_ID())
WHERE t1.service_id >= 65536
ORDER BY t1.name;
-- 5. stuck messages
SELECT to_service_name, from_service_name, message_type_name, CONVERT(NVARCHAR(200), message_body) AS body,
       CASE WHEN LEN(transmission_status) > 0 THEN 1 ELSE 0 END AS has_status
FROM sys.transmission_queue;
GO
-- 6. existence checks before drops
CREATE PROCEDURE dbo.mon_proc AS RETURN 0;
GO
IF EXISTS (SELECT * FROM sys.conversation_priorities WHERE name = N'//mon/P') DROP BROKER PRIORITY [//mon/P];
IF EXISTS (SELECT * FROM sys.services WHERE name = N'//mon/Init') DROP SERVICE [//mon/Init];
IF EXISTS (SELECT * FROM sys.services WHERE name = N'//mon/Target') DROP SERVICE [//mon/Target];
IF EXISTS (SELECT * FROM sys.service_queues WHERE name = N'InitQ') DROP QUEUE dbo.InitQ;
IF EXISTS (SELECT * FROM sys.service_queues WHERE name = N'TargetQ') DROP QUEUE dbo.TargetQ;
IF EXISTS (SELECT * FROM sys.service_contracts WHERE name = N'//mon/C') DROP CONTRACT [//mon/C];
IF EXISTS (SELECT * FROM sys.service_message_types WHERE name = N'//mon/Req') DROP MESSAGE TYPE [//mon/Req];
IF EXISTS (SELECT * FROM sys.objects WHERE name = N'mon_proc' AND type = 'P') DROP PROCEDURE dbo.mon_proc;
IF EXISTS (SELECT * FROM master.sys.endpoints WHERE name = N'BrokerEndpoint') DROP ENDPOINT BrokerEndpoint;
SELECT (SELECT COUNT(*) FROM sys.services WHERE service_id >= 65536) AS services,
       (SELECT COUNT(*) FROM sys.service_queues WHERE is_ms_shipped = 0) AS queues,
       (SELECT COUNT(*) FROM sys.service_contracts WHERE service_contract_id >= 65536) AS contracts,
       (SELECT COUNT(*) FROM sys.service_message_types WHERE message_type_id >= 65536) AS message_types,
       (SELECT COUNT(*) FROM sys.objects WHERE name = N'mon_proc') AS procs;
GO
USE master;
GO
IF EXISTS (SELECT * FROM sys.databases WHERE name = N'mon') DROP DATABASE mon;
SELECT COUNT(*) AS mon_databases FROM sys.databases WHERE name = N'mon';
GO
