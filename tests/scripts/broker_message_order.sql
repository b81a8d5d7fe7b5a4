-- RECEIVE order: one group per RECEIVE, messages grouped by conversation in sequence order; Error before other messages.
CREATE DATABASE mo;
GO
USE mo;
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
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER, @h3 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
BEGIN DIALOG @h2 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h1 MESSAGE TYPE [//x/Req] (N'<d1 n="0"/>');
SEND ON CONVERSATION @h2 MESSAGE TYPE [//x/Req] (N'<d2 n="0"/>');
SEND ON CONVERSATION @h1 MESSAGE TYPE [//x/Req] (N'<d1 n="1"/>');
SEND ON CONVERSATION @h2 MESSAGE TYPE [//x/Req] (N'<d2 n="1"/>');
-- two different target groups: each RECEIVE returns one group
RECEIVE CAST(message_body AS NVARCHAR(MAX)) AS body, message_sequence_number FROM TargetQ;
RECEIVE CAST(message_body AS NVARCHAR(MAX)) AS body, message_sequence_number FROM TargetQ;
-- replies on two dialogs of one initiator group arrive in one group
BEGIN DIALOG @h3 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH RELATED_CONVERSATION = @h1, ENCRYPTION = OFF;
SEND ON CONVERSATION @h3 MESSAGE TYPE [//x/Req] (N'<d3/>');
DECLARE @t1 UNIQUEIDENTIFIER, @t3 UNIQUEIDENTIFIER;
SELECT @t1 = t.conversation_handle FROM sys.conversation_endpoints AS t JOIN sys.conversation_endpoints AS i ON i.conversation_id = t.conversation_id AND i.conversation_handle = @h1 WHERE t.is_initiator = 0;
SELECT @t3 = t.conversation_handle FROM sys.conversation_endpoints AS t JOIN sys.conversation_endpoints AS i ON i.conversation_id = t.conversation_id AND i.conversation_handle = @h3 WHERE t.is_initiator = 0;
SEND ON CONVERSATION @t3 MESSAGE TYPE [//x/Reply] (N'<r3 n="0"/>');
SEND ON CONVERSATION @t1 MESSAGE TYPE [//x/Reply] (N'<r1 n="0"/>');
SEND ON CONVERSATION @t3 MESSAGE TYPE [//x/Reply] (N'<r3 n="1"/>');
SEND ON CONVERSATION @t1 MESSAGE TYPE [//x/Reply] (N'<r1 n="1"/>');
END CONVERSATION @t1 WITH ERROR = 7 DESCRIPTION = N'bad';
RECEIVE message_type_name, CAST(message_body AS NVARCHAR(MAX)) AS body, message_sequence_number,
        CASE conversation_handle WHEN @h1 THEN 'h1' WHEN @h3 THEN 'h3' END AS dialog FROM InitQ;
GO
