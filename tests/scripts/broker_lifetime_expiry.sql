-- Dialog LIFETIME expiry: both sides get Error -8489 and go to ER; SEND then fails with 8429.
CREATE DATABASE le;
GO
USE le;
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
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH LIFETIME = 1, ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<a/>');
DECLARE @body VARBINARY(MAX), @type SYSNAME;
WAITFOR (RECEIVE TOP (1) @type = message_type_name, @body = message_body FROM InitQ), TIMEOUT 10000;
SELECT @type AS message_type_name,
       CAST(@body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code;
SELECT is_initiator, state FROM sys.conversation_endpoints ORDER BY is_initiator;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<b/>');
GO
