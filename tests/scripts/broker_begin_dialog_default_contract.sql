-- BEGIN DIALOG without ON CONTRACT uses DEFAULT (id 6); SEND without MESSAGE TYPE uses DEFAULT type.
CREATE DATABASE bdd;
GO
USE bdd;
GO
CREATE MESSAGE TYPE [//x/Req] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Reply] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Any];
CREATE CONTRACT [//x/Contract] ([//x/Req] SENT BY INITIATOR, [//x/Reply] SENT BY TARGET, [//x/Any] SENT BY ANY);
CREATE QUEUE InitQ;
CREATE QUEUE TargetQ;
CREATE SERVICE [//x/Init] ON QUEUE InitQ;
CREATE SERVICE [//x/Target] ON QUEUE TargetQ ([//x/Contract]);
GO
CREATE QUEUE DefQ;
CREATE SERVICE DefTarget ON QUEUE DefQ ([DEFAULT]);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE 'DefTarget';
SELECT service_contract_id FROM sys.conversation_endpoints WHERE conversation_handle = @h;
SEND ON CONVERSATION @h (N'hello');
SELECT message_type_name, message_type_id, service_contract_name, service_contract_id, validation,
       CAST(message_body AS NVARCHAR(MAX)) AS body, service_name
FROM DefQ;
GO
