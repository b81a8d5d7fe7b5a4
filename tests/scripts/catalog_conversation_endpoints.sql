-- sys.conversation_endpoints columns and the state changes SO -> CO -> DI/CD.
CREATE DATABASE cce;
GO
USE cce;
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
SELECT conversation_handle, conversation_id, is_initiator, service_contract_id, conversation_group_id, service_id,
       state, state_desc, far_service, far_broker_instance, principal_id, far_principal_id, dialog_timer,
       send_sequence, end_dialog_sequence, receive_sequence, receive_sequence_frag, system_sequence, is_system, priority
FROM sys.conversation_endpoints;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<a/>');
SELECT is_initiator, state, send_sequence, receive_sequence,
       CASE WHEN far_broker_instance = (SELECT CAST(service_broker_guid AS NVARCHAR(128)) FROM sys.databases WHERE database_id = DB_ID()) THEN 1 ELSE 0 END AS far_broker_is_this_db
FROM sys.conversation_endpoints ORDER BY is_initiator;
GO
