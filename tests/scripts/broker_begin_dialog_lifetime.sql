-- BEGIN DIALOG WITH LIFETIME: lifetime column about now+60 s; no LIFETIME means the maximum.
CREATE DATABASE bdl;
GO
USE bdl;
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
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH LIFETIME = 60;
BEGIN DIALOG @h2 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract];
SELECT CASE WHEN DATEDIFF(SECOND, GETUTCDATE(), lifetime) BETWEEN 50 AND 70 THEN 'about 60 s' ELSE 'wrong' END AS lifetime_60
FROM sys.conversation_endpoints WHERE conversation_handle = @h1;
SELECT CASE WHEN DATEDIFF(DAY, GETUTCDATE(), lifetime) > 24000 THEN 'max' ELSE 'wrong' END AS lifetime_default
FROM sys.conversation_endpoints WHERE conversation_handle = @h2;
GO
