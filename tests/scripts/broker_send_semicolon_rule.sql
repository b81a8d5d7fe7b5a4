-- SEND/RECEIVE after an unterminated statement is a syntax error; first in batch or after ; is fine.
CREATE DATABASE ssr;
GO
USE ssr;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<first/>');
SELECT COUNT(*) AS queued FROM TargetQ;
GO
DECLARE @h UNIQUEIDENTIFIER
SELECT TOP (1) @h = conversation_handle FROM sys.conversation_endpoints WHERE is_initiator = 1
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<second/>');
GO
DECLARE @x INT
RECEIVE * FROM TargetQ;
GO
SELECT COUNT(*) AS still_queued FROM TargetQ;
GO
RECEIVE TOP (1) message_type_name FROM TargetQ
GO
