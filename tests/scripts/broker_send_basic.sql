-- SEND basics: target row content, sequence numbers, SO -> CO, target endpoint creation.
CREATE DATABASE sb;
GO
USE sb;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<a>1</a>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<a>2</a>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any];
SELECT state, send_sequence FROM sys.conversation_endpoints WHERE conversation_handle = @h;
SELECT status, priority, message_sequence_number, service_name, service_contract_name, message_type_name,
       validation, CAST(message_body AS NVARCHAR(MAX)) AS body, DATALENGTH(message_body) AS bytes
FROM TargetQ ORDER BY message_sequence_number;
SELECT t.is_initiator, t.state, t.far_service, t.receive_sequence,
       CASE WHEN t.conversation_id = i.conversation_id THEN 1 ELSE 0 END AS same_conversation,
       CASE WHEN t.conversation_handle <> i.conversation_handle THEN 1 ELSE 0 END AS other_handle,
       CASE WHEN t.conversation_group_id <> i.conversation_group_id THEN 1 ELSE 0 END AS other_group
FROM sys.conversation_endpoints AS t
JOIN sys.conversation_endpoints AS i ON i.conversation_handle = @h
WHERE t.is_initiator = 0;
GO
