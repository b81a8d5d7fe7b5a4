-- RECEIVE into variables: TOP(1) sets them and @@ROWCOUNT 1; without TOP they hold the last row; empty queue leaves them unchanged.
CREATE DATABASE rv;
GO
USE rv;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m>0</m>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m>1</m>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m>2</m>');
GO
DECLARE @t UNIQUEIDENTIFIER, @body NVARCHAR(100), @type SYSNAME, @seq BIGINT;
RECEIVE TOP (1) @t = conversation_handle, @body = message_body, @type = message_type_name, @seq = message_sequence_number
FROM TargetQ;
SELECT @@ROWCOUNT AS rc, @body AS body, @type AS type_name, @seq AS seq,
       CASE WHEN @t IS NOT NULL THEN 1 ELSE 0 END AS handle_set;
RECEIVE @body = message_body, @seq = message_sequence_number FROM TargetQ;
SELECT @@ROWCOUNT AS rc, @body AS last_body, @seq AS last_seq;
RECEIVE @body = message_body, @seq = message_sequence_number FROM TargetQ;
SELECT @@ROWCOUNT AS rc_empty, @body AS unchanged_body, @seq AS unchanged_seq;
GO
