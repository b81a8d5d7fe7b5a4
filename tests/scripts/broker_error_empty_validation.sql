-- EMPTY validation: no body and a zero-length body are delivered; a body is rejected (-9615 at the sender, -9616 at the receiver).
CREATE DATABASE eev;
GO
USE eev;
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
CREATE MESSAGE TYPE [//x/Ping] VALIDATION = EMPTY;
CREATE CONTRACT [//x/PingContract] ([//x/Ping] SENT BY ANY);
CREATE QUEUE PingQ;
CREATE SERVICE [//x/Pinger] ON QUEUE PingQ ([//x/PingContract]);
GO
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE [//x/Init] TO SERVICE '//x/Pinger' ON CONTRACT [//x/PingContract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h1 MESSAGE TYPE [//x/Ping];
BEGIN DIALOG @h2 FROM SERVICE [//x/Init] TO SERVICE '//x/Pinger' ON CONTRACT [//x/PingContract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h2 MESSAGE TYPE [//x/Ping] (0x);
SEND ON CONVERSATION @h2 MESSAGE TYPE [//x/Ping] (N'not empty');
SELECT message_type_name, validation, DATALENGTH(message_body) AS bytes FROM PingQ ORDER BY queuing_order;
SELECT CASE conversation_handle WHEN @h1 THEN 'h1' WHEN @h2 THEN 'h2' END AS dialog, state FROM sys.conversation_endpoints
WHERE is_initiator = 1 ORDER BY dialog;
DECLARE @body VARBINARY(MAX);
RECEIVE TOP (1) @body = message_body FROM InitQ;
SELECT CAST(@body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code;
GO
