-- RECEIVE ... INTO @table: no result set, rows land in the table variable.
CREATE DATABASE rit;
GO
USE rit;
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
DECLARE @msgs TABLE (handle UNIQUEIDENTIFIER, seq BIGINT, type_name NVARCHAR(256), body VARBINARY(MAX));
RECEIVE conversation_handle, message_sequence_number, message_type_name, message_body
FROM TargetQ INTO @msgs;
SELECT @@ROWCOUNT AS rc;
SELECT seq, type_name, CAST(body AS NVARCHAR(MAX)) AS body FROM @msgs ORDER BY seq;
SELECT COUNT(*) AS left_in_queue FROM TargetQ;
GO
