-- SEND and a user-table INSERT in one transaction: both rolled back, or both committed.
CREATE DATABASE tsta;
GO
USE tsta;
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
CREATE TABLE dbo.outbox (id INT IDENTITY(1,1) PRIMARY KEY, note NVARCHAR(50));
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
BEGIN TRAN;
INSERT INTO dbo.outbox (note) VALUES (N'first');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<first/>');
ROLLBACK;
BEGIN TRAN;
INSERT INTO dbo.outbox (note) VALUES (N'second');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<second/>');
COMMIT;
SELECT id, note FROM dbo.outbox;
SELECT CAST(message_body AS NVARCHAR(MAX)) AS body FROM TargetQ;
GO
