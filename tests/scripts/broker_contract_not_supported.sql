-- Target service does not list the dialog's contract: initiator gets Error -8408, endpoint ER, nothing in the target queue.
CREATE DATABASE cns;
GO
USE cns;
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
CREATE QUEUE PlainQ;
CREATE SERVICE Plain ON QUEUE PlainQ ([//x/Contract]);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE 'Plain';
SEND ON CONVERSATION @h (N'default contract body');
SELECT COUNT(*) AS target_q FROM PlainQ;
SELECT state FROM sys.conversation_endpoints WHERE conversation_handle = @h;
DECLARE @body VARBINARY(MAX), @type SYSNAME;
RECEIVE TOP (1) @type = message_type_name, @body = message_body FROM InitQ;
SELECT @type AS message_type_name,
       CAST(@body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code;
GO
