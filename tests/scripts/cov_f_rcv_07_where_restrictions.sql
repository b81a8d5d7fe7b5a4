-- F-RCV-07: RECEIVE WHERE only accepts conversation_handle = x or conversation_group_id = x:
-- WHERE message_type_name = 'x' and WHERE conversation_handle = @h AND ... are rejected;
-- an unknown handle raises an error.
CREATE DATABASE r7;
GO
USE r7;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'x');
GO
RECEIVE * FROM qt WHERE message_type_name = 'DEFAULT';
GO
DECLARE @t UNIQUEIDENTIFIER = (SELECT conversation_handle FROM sys.conversation_endpoints WHERE is_initiator = 0);
RECEIVE * FROM qt WHERE conversation_handle = @t AND message_sequence_number = 0;
GO
RECEIVE * FROM qt WHERE conversation_handle = NEWID();
GO
SELECT COUNT(*) AS still_queued FROM qt;
GO
