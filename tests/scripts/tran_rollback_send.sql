-- ROLLBACK discards a SEND: nothing queued; COMMIT delivers; sequence numbers reused.
CREATE DATABASE trs;
GO
USE trs;
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
BEGIN TRANSACTION;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<rolled-back/>');
SELECT COUNT(*) AS visible_in_tran FROM TargetQ;
ROLLBACK TRANSACTION;
SELECT COUNT(*) AS after_rollback FROM TargetQ;
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
BEGIN TRAN;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<committed/>');
COMMIT TRAN;
SELECT message_sequence_number, CAST(message_body AS NVARCHAR(MAX)) AS body FROM TargetQ;
GO
