-- Dialog to a service that does not exist: BEGIN DIALOG and SEND succeed; message waits in sys.transmission_queue with a transmission_status.
CREATE DATABASE uts;
GO
USE uts;
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
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Nowhere' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<lost/>');
SELECT to_service_name, from_service_name, service_contract_name, message_sequence_number, message_type_name,
       is_conversation_error, is_end_of_dialog, CAST(message_body AS NVARCHAR(MAX)) AS body, priority,
       CASE WHEN LEN(transmission_status) > 0 THEN 1 ELSE 0 END AS has_status,
       CASE WHEN GET_TRANSMISSION_STATUS(@h) = transmission_status THEN 1 ELSE 0 END AS same_status
FROM sys.transmission_queue;
SELECT GET_TRANSMISSION_STATUS(NEWID()) AS unknown_handle_status;
SELECT state FROM sys.conversation_endpoints WHERE conversation_handle = @h;
-- the name comparison is case-sensitive
DECLARE @h2 UNIQUEIDENTIFIER;
BEGIN DIALOG @h2 FROM SERVICE [//x/Init] TO SERVICE '//X/TARGET' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h2 MESSAGE TYPE [//x/Req] (N'<case/>');
SELECT COUNT(*) AS pending, (SELECT COUNT(*) FROM TargetQ) AS delivered FROM sys.transmission_queue;
END CONVERSATION @h;
SELECT message_type_name, is_end_of_dialog FROM sys.transmission_queue WHERE conversation_handle = @h ORDER BY message_sequence_number;
GO
