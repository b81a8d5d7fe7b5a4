-- END CONVERSATION: EndDialog delivered to the far side (type, validation E, NULL body), states DI then closed.
CREATE DATABASE ec;
GO
USE ec;
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
END CONVERSATION @t;
SELECT is_initiator, state, state_desc FROM sys.conversation_endpoints ORDER BY is_initiator;
RECEIVE message_type_name, message_type_id, validation, message_body, message_sequence_number FROM InitQ;
END CONVERSATION @h;
SELECT is_initiator, state, state_desc FROM sys.conversation_endpoints ORDER BY is_initiator;
SELECT COUNT(*) AS init_q, (SELECT COUNT(*) FROM TargetQ) AS target_q FROM InitQ;
GO
