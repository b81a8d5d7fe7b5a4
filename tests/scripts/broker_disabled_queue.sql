-- Disabled queue: RECEIVE fails 9617; messages to it wait in the sender's transmission queue until STATUS = ON.
CREATE DATABASE dq;
GO
USE dq;
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
ALTER QUEUE TargetQ WITH STATUS = OFF;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<held/>');
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
SELECT is_receive_enabled, is_enqueue_enabled FROM sys.service_queues WHERE name = N'TargetQ';
GO
RECEIVE * FROM TargetQ;
GO
DECLARE @g UNIQUEIDENTIFIER;
GET CONVERSATION GROUP @g FROM TargetQ;
GO
ALTER QUEUE TargetQ WITH STATUS = ON;
GO
WAITFOR (RECEIVE TOP (1) CAST(message_body AS NVARCHAR(MAX)) AS body FROM TargetQ), TIMEOUT 5000;
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
GO
