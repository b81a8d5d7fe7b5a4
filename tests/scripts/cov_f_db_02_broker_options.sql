-- F-DB-02..F-DB-06 through T-SQL: ENABLE_BROKER forms keep the GUID; DISABLE_BROKER holds a
-- committed SEND in sys.transmission_queue; ENABLE_BROKER delivers it in order;
-- ERROR_BROKER_CONVERSATIONS errors open endpoints with -9719; NEW_BROKER changes the GUID
-- and drops every endpoint without creating messages.
CREATE DATABASE cdb;
GO
USE cdb;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
CREATE TABLE g (guid UNIQUEIDENTIFIER);
INSERT INTO g SELECT service_broker_guid FROM sys.databases WHERE name = N'cdb';
ALTER DATABASE cdb SET ENABLE_BROKER;
ALTER DATABASE cdb SET ENABLE_BROKER WITH ROLLBACK IMMEDIATE;
ALTER DATABASE cdb SET ENABLE_BROKER WITH NO_WAIT;
SELECT d.is_broker_enabled, CASE WHEN d.service_broker_guid = g.guid THEN 1 ELSE 0 END AS same_guid
FROM sys.databases AS d CROSS JOIN g WHERE d.name = N'cdb';
GO
-- F-DB-03: disabled broker holds messages, even within the database
ALTER DATABASE cdb SET DISABLE_BROKER;
GO
SELECT is_broker_enabled FROM sys.databases WHERE name = N'cdb';
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'one');
SEND ON CONVERSATION @h (N'two');
SEND ON CONVERSATION @h (N'three');
GO
WAITFOR DELAY '00:00:01';
SELECT COUNT(*) AS in_target_queue FROM qt;
SELECT message_sequence_number, CASE WHEN LEN(transmission_status) > 0 THEN 1 ELSE 0 END AS has_status
FROM sys.transmission_queue ORDER BY message_sequence_number;
GO
-- F-DB-04: re-enable resumes delivery in send order
ALTER DATABASE cdb SET ENABLE_BROKER;
GO
WAITFOR DELAY '00:00:02';
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
RECEIVE message_sequence_number, CAST(message_body AS NVARCHAR(MAX)) AS body FROM qt;
GO
-- F-DB-06: ERROR_BROKER_CONVERSATIONS
ALTER DATABASE cdb SET ERROR_BROKER_CONVERSATIONS;
GO
SELECT d.is_broker_enabled, CASE WHEN d.service_broker_guid = g.guid THEN 1 ELSE 0 END AS same_guid
FROM sys.databases AS d CROSS JOIN g WHERE d.name = N'cdb';
SELECT is_initiator, state FROM sys.conversation_endpoints ORDER BY is_initiator;
SELECT message_type_name,
       CAST(message_body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code
FROM qi;
SELECT message_type_name,
       CAST(message_body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code
FROM qt;
GO
-- F-DB-05: NEW_BROKER
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'x');
GO
ALTER DATABASE cdb SET NEW_BROKER;
GO
SELECT d.is_broker_enabled, CASE WHEN d.service_broker_guid = g.guid THEN 1 ELSE 0 END AS same_guid
FROM sys.databases AS d CROSS JOIN g WHERE d.name = N'cdb';
SELECT COUNT(*) AS endpoints FROM sys.conversation_endpoints;
SELECT (SELECT COUNT(*) FROM qi) AS qi_rows, (SELECT COUNT(*) FROM qt) AS qt_rows,
       (SELECT COUNT(*) FROM sys.transmission_queue) AS pending;
GO
