-- END CONVERSATION WITH ERROR: far side gets an Error message; Code/Description via .value() with declare namespace; far state ER.
CREATE DATABASE ewe;
GO
USE ewe;
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
RECEIVE TOP (1) @t = conversation_handle FROM TargetQ;
END CONVERSATION @t WITH ERROR = 50 DESCRIPTION = N'Something went <wrong> & failed';
SELECT state, state_desc FROM sys.conversation_endpoints WHERE conversation_handle = @h;
DECLARE @type SYSNAME, @body VARBINARY(MAX), @validation NCHAR(2);
RECEIVE TOP (1) @type = message_type_name, @body = message_body, @validation = validation FROM InitQ;
SELECT @type AS message_type_name, @validation AS validation;
DECLARE @x XML = CAST(@body AS XML);
SELECT @x.value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code,
       @x.value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Description)[1]', 'nvarchar(3000)') AS description;
WITH XMLNAMESPACES (DEFAULT 'http://schemas.microsoft.com/SQL/ServiceBroker/Error')
SELECT @x.value('(/Error/Code)[1]', 'int') AS code_default_ns;
SELECT CASE WHEN CAST(@body AS NVARCHAR(MAX)) LIKE N'%<Error%' THEN 1 ELSE 0 END AS text_has_error_element;
END CONVERSATION @h;
SELECT COUNT(*) AS endpoints_left FROM sys.conversation_endpoints WHERE is_initiator = 1;
GO
