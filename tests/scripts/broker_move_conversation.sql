-- MOVE CONVERSATION to another group; errors 8426 unknown handle.
CREATE DATABASE mc;
GO
USE mc;
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
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER, @g2 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
BEGIN DIALOG @h2 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
SELECT @g2 = conversation_group_id FROM sys.conversation_endpoints WHERE conversation_handle = @h2;
SELECT COUNT(*) AS groups_before FROM sys.conversation_groups;
MOVE CONVERSATION @h1 TO @g2;
SELECT COUNT(*) AS in_g2 FROM sys.conversation_endpoints WHERE conversation_group_id = @g2;
SELECT COUNT(*) AS groups_after FROM sys.conversation_groups;
DECLARE @x UNIQUEIDENTIFIER = NEWID();
MOVE CONVERSATION @x TO @g2;
GO
