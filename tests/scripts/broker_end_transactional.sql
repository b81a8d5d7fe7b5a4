-- END CONVERSATION in a rolled-back transaction: endpoint and its messages restored, far side not notified.
CREATE DATABASE et;
GO
USE et;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<q/>');
DECLARE @t UNIQUEIDENTIFIER;
SELECT @t = conversation_handle FROM sys.conversation_endpoints WHERE is_initiator = 0;
BEGIN TRAN;
END CONVERSATION @t;
ROLLBACK;
SELECT state FROM sys.conversation_endpoints WHERE conversation_handle = @t;
SELECT COUNT(*) AS target_q, (SELECT COUNT(*) FROM InitQ) AS init_q FROM TargetQ;
GO
