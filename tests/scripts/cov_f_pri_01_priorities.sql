-- F-PRI-01: CREATE BROKER PRIORITY: omitted criteria are NULL (ANY), level defaults to 5,
-- PRIORITY_LEVEL = 11 and 0 fail. F-PRI-05: ALTER changes only the given field.
-- F-PRI-04: ALTER / DROP do not change existing endpoints; new endpoints use the new level.
CREATE DATABASE pr1;
GO
USE pr1;
GO
CREATE MESSAGE TYPE m;
CREATE CONTRACT c (m SENT BY ANY);
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt (c);
GO
CREATE BROKER PRIORITY p_default FOR CONVERSATION SET (CONTRACT_NAME = c);
CREATE BROKER PRIORITY p_full FOR CONVERSATION
    SET (CONTRACT_NAME = c, LOCAL_SERVICE_NAME = si, REMOTE_SERVICE_NAME = N'st', PRIORITY_LEVEL = 7);
CREATE BROKER PRIORITY p_any FOR CONVERSATION SET (PRIORITY_LEVEL = 2);
GO
SELECT p.name, c.name AS contract, s.name AS local_service, p.remote_service_name, p.priority
FROM sys.conversation_priorities AS p
LEFT JOIN sys.service_contracts AS c ON c.service_contract_id = p.service_contract_id
LEFT JOIN sys.services AS s ON s.service_id = p.local_service_id
ORDER BY p.name;
SELECT name, service_contract_id, local_service_id, remote_service_name FROM sys.conversation_priorities WHERE name = N'p_any';
GO
CREATE BROKER PRIORITY p11 FOR CONVERSATION SET (PRIORITY_LEVEL = 11);
GO
CREATE BROKER PRIORITY p0 FOR CONVERSATION SET (PRIORITY_LEVEL = 0);
GO
-- F-PRI-04 / F-PRI-05: the dialog below gets 7 (p_full); then p_full is altered to 3
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER, @h3 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE si TO SERVICE 'st' ON CONTRACT c WITH ENCRYPTION = OFF;
ALTER BROKER PRIORITY p_full FOR CONVERSATION SET (PRIORITY_LEVEL = 3);
SELECT p.name, c.name AS contract, s.name AS local_service, p.remote_service_name, p.priority
FROM sys.conversation_priorities AS p
LEFT JOIN sys.service_contracts AS c ON c.service_contract_id = p.service_contract_id
LEFT JOIN sys.services AS s ON s.service_id = p.local_service_id
WHERE p.name = N'p_full';
BEGIN DIALOG @h2 FROM SERVICE si TO SERVICE 'st' ON CONTRACT c WITH ENCRYPTION = OFF;
DROP BROKER PRIORITY p_full;
BEGIN DIALOG @h3 FROM SERVICE si TO SERVICE 'st' ON CONTRACT c WITH ENCRYPTION = OFF;
SELECT CASE conversation_handle WHEN @h1 THEN 'h1 (before alter)' WHEN @h2 THEN 'h2 (after alter)' ELSE 'h3 (after drop)' END AS dialog, priority
FROM sys.conversation_endpoints ORDER BY dialog;
GO
