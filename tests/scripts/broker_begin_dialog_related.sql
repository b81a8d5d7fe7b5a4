-- RELATED_CONVERSATION and RELATED_CONVERSATION_GROUP (existing, new GUID, other service's group 9610).
CREATE DATABASE bdr;
GO
USE bdr;
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
CREATE QUEUE OtherQ;
CREATE SERVICE Other ON QUEUE OtherQ;
GO
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER, @h3 UNIQUEIDENTIFIER, @h4 UNIQUEIDENTIFIER;
DECLARE @g1 UNIQUEIDENTIFIER, @newg UNIQUEIDENTIFIER = NEWID();
BEGIN DIALOG @h1 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract];
BEGIN DIALOG @h2 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract]
    WITH RELATED_CONVERSATION = @h1;
SELECT @g1 = conversation_group_id FROM sys.conversation_endpoints WHERE conversation_handle = @h1;
BEGIN DIALOG @h3 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract]
    WITH RELATED_CONVERSATION_GROUP = @g1;
BEGIN DIALOG @h4 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract]
    WITH RELATED_CONVERSATION_GROUP = @newg;
SELECT COUNT(*) AS in_g1 FROM sys.conversation_endpoints WHERE conversation_group_id = @g1;
SELECT CASE WHEN conversation_group_id = @newg THEN 'new group has the given id' ELSE 'wrong' END AS h4_group
FROM sys.conversation_endpoints WHERE conversation_handle = @h4;
SELECT COUNT(*) AS groups FROM sys.conversation_groups;
-- a group of another service: 9610
DECLARE @h5 UNIQUEIDENTIFIER;
BEGIN DIALOG @h5 FROM SERVICE Other TO SERVICE '//x/Target' ON CONTRACT [//x/Contract]
    WITH RELATED_CONVERSATION_GROUP = @g1;
GO
-- unknown related conversation: 8426
DECLARE @h UNIQUEIDENTIFIER, @x UNIQUEIDENTIFIER = NEWID();
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract]
    WITH RELATED_CONVERSATION = @x;
GO
