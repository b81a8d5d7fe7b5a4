-- Dialog between two databases of one instance: delivered (TRUSTWORTHY ON, ENCRYPTION = OFF); reply comes back; far_broker_instance is the other database's GUID.
CREATE DATABASE xdb_init;
CREATE DATABASE xdb_target;
GO
ALTER DATABASE xdb_init SET TRUSTWORTHY ON;
ALTER DATABASE xdb_target SET TRUSTWORTHY ON;
GO
USE xdb_target;
CREATE MESSAGE TYPE [//xdb/Req] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//xdb/Reply] VALIDATION = WELL_FORMED_XML;
CREATE CONTRACT [//xdb/Contract] ([//xdb/Req] SENT BY INITIATOR, [//xdb/Reply] SENT BY TARGET);
CREATE QUEUE TQ;
CREATE SERVICE [//xdb/Target] ON QUEUE TQ ([//xdb/Contract]);
GO
USE xdb_init;
CREATE MESSAGE TYPE [//xdb/Req] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//xdb/Reply] VALIDATION = WELL_FORMED_XML;
CREATE CONTRACT [//xdb/Contract] ([//xdb/Req] SENT BY INITIATOR, [//xdb/Reply] SENT BY TARGET);
CREATE QUEUE IQ;
CREATE SERVICE [//xdb/Init] ON QUEUE IQ;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//xdb/Init] TO SERVICE N'//xdb/Target' ON CONTRACT [//xdb/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//xdb/Req] (N'<req/>');
GO
USE xdb_target;
DECLARE @t UNIQUEIDENTIFIER, @body NVARCHAR(100);
WAITFOR (RECEIVE TOP (1) @t = conversation_handle, @body = message_body FROM TQ), TIMEOUT 5000;
SELECT @body AS received_request;
SELECT CASE WHEN far_broker_instance = (SELECT CAST(service_broker_guid AS NVARCHAR(128)) FROM sys.databases WHERE name = N'xdb_init') THEN 1 ELSE 0 END AS far_is_init_db
FROM sys.conversation_endpoints WHERE conversation_handle = @t;
SEND ON CONVERSATION @t MESSAGE TYPE [//xdb/Reply] (N'<reply/>');
END CONVERSATION @t;
GO
USE xdb_init;
WAITFOR (RECEIVE message_type_name, CAST(message_body AS NVARCHAR(MAX)) AS body FROM IQ), TIMEOUT 5000;
GO
