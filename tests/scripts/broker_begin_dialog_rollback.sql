-- Rolled-back BEGIN DIALOG leaves neither endpoint nor group.
CREATE DATABASE bdrb;
GO
USE bdrb;
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
DECLARE @h UNIQUEIDENTIFIER;
BEGIN TRANSACTION;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract];
SELECT COUNT(*) AS endpoints_in_tran FROM sys.conversation_endpoints;
ROLLBACK TRANSACTION;
SELECT COUNT(*) AS endpoints FROM sys.conversation_endpoints;
SELECT COUNT(*) AS groups FROM sys.conversation_groups;
GO
