-- RECEIVE FROM db.schema.queue from another database context.
CREATE DATABASE rod;
GO
USE rod;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m>0</m>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m>1</m>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m>2</m>');
GO
USE master;
RECEIVE TOP (1) message_sequence_number FROM rod.dbo.TargetQ;
SELECT DB_NAME() AS current_db;
GO
USE rod;
SELECT COUNT(*) AS left_in_queue FROM dbo.TargetQ;
GO
