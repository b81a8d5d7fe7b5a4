-- BEGIN DIALOG basics: handle, endpoint row in SO, CONVERSATION keyword, option orders.
CREATE DATABASE bdb;
GO
USE bdb;
GO
CREATE MESSAGE TYPE [//x/Req] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Reply] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Any];
CREATE CONTRACT [//x/Contract] ([//x/Req] SENT BY INITIATOR, [//x/Reply] SENT BY TARGET, [//x/Any] SENT BY ANY);
CREATE QUEUE InitQ;
CREATE QUEUE TargetQ;
CREATE SERVICE [//x/Init] ON QUEUE InitQ;
CREATE SERVICE [//x/Target] ON QUEUE TargetQ ([//x/Contract]);
GO
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER, @h3 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract];
BEGIN DIALOG CONVERSATION @h2 FROM SERVICE [//x/Init] TO SERVICE N'//x/Target' ON CONTRACT [//x/Contract]
    WITH ENCRYPTION = OFF, LIFETIME = 600;
BEGIN DIALOG @h3 FROM SERVICE [//x/Init] TO SERVICE N'//x/Target' ON CONTRACT [//x/Contract]
    WITH LIFETIME = 600 ENCRYPTION = ON;
SELECT CASE WHEN @h1 IS NULL THEN 0 ELSE 1 END AS h1_set,
       CASE WHEN @h1 <> @h2 AND @h2 <> @h3 THEN 1 ELSE 0 END AS distinct_handles;
SELECT e.is_initiator, e.state, e.state_desc, e.far_service, c.name AS contract, s.name AS service,
       e.send_sequence, e.receive_sequence, e.is_system, e.priority
FROM sys.conversation_endpoints AS e
JOIN sys.service_contracts AS c ON c.service_contract_id = e.service_contract_id
JOIN sys.services AS s ON s.service_id = e.service_id
WHERE e.conversation_handle = @h1;
SELECT COUNT(*) AS endpoints, COUNT(DISTINCT conversation_group_id) AS groups FROM sys.conversation_endpoints;
SELECT COUNT(*) AS group_rows FROM sys.conversation_groups;
GO
