-- Poison-message handling: five rolled-back RECEIVEs disable the queue (9617 afterwards); STATUS = ON re-enables it.
CREATE DATABASE pm;
GO
USE pm;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<poison/>');
GO
DECLARE @i INT = 0;
WHILE @i < 5
BEGIN
    BEGIN TRAN;
    DECLARE @b VARBINARY(MAX);
    RECEIVE TOP (1) @b = message_body FROM TargetQ;
    ROLLBACK;
    SET @i += 1;
END
SELECT is_receive_enabled FROM sys.service_queues WHERE name = N'TargetQ';
GO
RECEIVE * FROM TargetQ;
GO
ALTER QUEUE TargetQ WITH STATUS = ON;
RECEIVE CAST(message_body AS NVARCHAR(MAX)) AS body FROM TargetQ;
GO
