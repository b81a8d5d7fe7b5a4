-- SEND ON CONVERSATION (@h1, @h2, @h3): one copy per dialog; duplicate handle in the list fails.
CREATE DATABASE sm;
GO
USE sm;
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
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER, @h3 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
BEGIN DIALOG @h2 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
BEGIN DIALOG @h3 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION (@h1, @h2, @h3) MESSAGE TYPE [//x/Req] (N'<all/>');
SELECT COUNT(*) AS messages, COUNT(DISTINCT conversation_handle) AS dialogs FROM TargetQ;
SELECT CAST(message_body AS NVARCHAR(MAX)) AS body, COUNT(*) AS copies FROM TargetQ GROUP BY CAST(message_body AS NVARCHAR(MAX));
GO
DECLARE @h UNIQUEIDENTIFIER;
SELECT TOP (1) @h = conversation_handle FROM sys.conversation_endpoints WHERE is_initiator = 1;
SEND ON CONVERSATION (@h, @h) MESSAGE TYPE [//x/Req] (N'<dup/>');
GO
SELECT COUNT(*) AS messages_after FROM TargetQ;
GO
