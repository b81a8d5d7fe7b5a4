-- sys.conversation_groups: one row per group with service_id; removed with its last endpoint.
CREATE DATABASE ccg;
GO
USE ccg;
GO
CREATE MESSAGE TYPE [//x/Req] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Reply] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Any];
CREATE MESSAGE TYPE [//x/Other];
CREATE CONTRACT [//x/Contract] ([//x/Req] SENT BY INITIATOR, [//x/Reply] SENT BY TARGET, [//x/Any] SENT BY ANY);
CREATE QUEUE InitQ;
CREATE QUEUE TargetQ;
CREATE SERVICE [//x/Init] ON QUEUE InitQ;
CREATE SERVICE [//x/Target] ON QUEUE TargetQ ([//x/Contract]);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
DECLARE @h2 UNIQUEIDENTIFIER;
BEGIN DIALOG @h2 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH RELATED_CONVERSATION = @h, ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<a/>');
SELECT s.name AS service, COUNT(*) AS groups
FROM sys.conversation_groups AS g JOIN sys.services AS s ON s.service_id = g.service_id
GROUP BY s.name ORDER BY s.name;
SELECT g.is_system, COUNT(e.conversation_handle) AS endpoints
FROM sys.conversation_groups AS g JOIN sys.conversation_endpoints AS e ON e.conversation_group_id = g.conversation_group_id
GROUP BY g.conversation_group_id, g.is_system ORDER BY endpoints;
END CONVERSATION @h WITH CLEANUP;
END CONVERSATION @h2 WITH CLEANUP;
SELECT COUNT(*) AS groups_left FROM sys.conversation_groups;
GO
