-- Malformed XML to a WELL_FORMED_XML type on an existing dialog: SEND succeeds, the bad message is not
-- enqueued, the sender gets Error -9615, the receiving endpoint Error -9616; both endpoints ER.
CREATE DATABASE eix;
GO
USE eix;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<good/>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<unclosed>');
SELECT message_type_name,
       CAST(message_body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS error_code
FROM TargetQ ORDER BY queuing_order;
SELECT is_initiator, state, state_desc FROM sys.conversation_endpoints ORDER BY is_initiator;
DECLARE @body VARBINARY(MAX), @type SYSNAME;
RECEIVE TOP (1) @type = message_type_name, @body = message_body FROM InitQ WHERE conversation_handle = @h;
DECLARE @x XML = CAST(@body AS XML);
SELECT @type AS message_type_name,
       @x.value('declare namespace brokerns="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/brokerns:Error/brokerns:Code)[1]', 'int') AS code;
BEGIN TRY
    SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<ok/>');
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS send_after_error;
END CATCH;
END CONVERSATION @h;
GO
