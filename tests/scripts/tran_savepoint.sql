-- SAVE TRANSACTION / ROLLBACK TRANSACTION savepoint: the RECEIVE after the savepoint is undone, work before it kept.
CREATE DATABASE tsp;
GO
USE tsp;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m0/>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m1/>');
CREATE TABLE #log (step NVARCHAR(20));
BEGIN TRAN;
RECEIVE TOP (1) message_sequence_number FROM TargetQ;
INSERT INTO #log VALUES (N'before save');
SAVE TRANSACTION sp1;
RECEIVE TOP (1) message_sequence_number FROM TargetQ;
INSERT INTO #log VALUES (N'after save');
SELECT @@TRANCOUNT AS trancount;
ROLLBACK TRANSACTION sp1;
SELECT @@TRANCOUNT AS trancount_after_partial, XACT_STATE() AS xact_state;
COMMIT;
SELECT message_sequence_number FROM TargetQ;
SELECT step FROM #log;
GO
