-- RECEIVE WHERE conversation_handle / conversation_group_id; unknown handle 8426, unknown group 8436.
CREATE DATABASE rw;
GO
USE rw;
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
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
BEGIN DIALOG @h2 FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h1 MESSAGE TYPE [//x/Req] (N'<d1/>');
SEND ON CONVERSATION @h2 MESSAGE TYPE [//x/Req] (N'<d2/>');
SEND ON CONVERSATION @h2 MESSAGE TYPE [//x/Req] (N'<d2b/>');
-- the target handle of the second dialog
DECLARE @t2 UNIQUEIDENTIFIER, @g2 UNIQUEIDENTIFIER;
SELECT @t2 = t.conversation_handle, @g2 = t.conversation_group_id
FROM sys.conversation_endpoints AS t
JOIN sys.conversation_endpoints AS i ON i.conversation_id = t.conversation_id
WHERE i.conversation_handle = @h2 AND t.is_initiator = 0;
RECEIVE CAST(message_body AS NVARCHAR(MAX)) AS body FROM TargetQ WHERE conversation_handle = @t2;
SEND ON CONVERSATION @h2 MESSAGE TYPE [//x/Req] (N'<d2c/>');
RECEIVE CAST(message_body AS NVARCHAR(MAX)) AS body FROM TargetQ WHERE conversation_group_id = @g2;
RECEIVE CAST(message_body AS NVARCHAR(MAX)) AS body FROM TargetQ;
GO
DECLARE @x UNIQUEIDENTIFIER = NEWID();
RECEIVE * FROM TargetQ WHERE conversation_handle = @x;
GO
DECLARE @x UNIQUEIDENTIFIER = NEWID();
RECEIVE * FROM TargetQ WHERE conversation_group_id = @x;
GO
RECEIVE * FROM TargetQ WHERE message_type_name = N'//x/Req';
GO
