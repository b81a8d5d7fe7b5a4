-- F-END-09: messages the far side sent before learning about the local END (delayed delivery)
-- are discarded: nothing appears in the local queue.
-- F-END-10: I has 2 undelivered messages, then END; when delivery resumes T receives message 0,
-- message 1, then EndDialog.
CREATE DATABASE e9;
GO
USE e9;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
-- F-END-09: the initiator's queue is disabled so the target's reply is delayed; I ends meanwhile.
DECLARE @h UNIQUEIDENTIFIER, @t UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'request');
RECEIVE TOP (1) @t = conversation_handle FROM qt;
ALTER QUEUE qi WITH STATUS = OFF;
SEND ON CONVERSATION @t (N'late reply');
SELECT COUNT(*) AS reply_pending FROM sys.transmission_queue WHERE conversation_handle = @t;
END CONVERSATION @h;
ALTER QUEUE qi WITH STATUS = ON;
GO
WAITFOR DELAY '00:00:02';
SELECT COUNT(*) AS initiator_queue_rows FROM qi;
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
DECLARE @t UNIQUEIDENTIFIER;
RECEIVE TOP (1) @t = conversation_handle FROM qt;
END CONVERSATION @t;
SELECT COUNT(*) AS endpoints_left FROM sys.conversation_endpoints WHERE state <> 'CD';
GO
-- F-END-10
ALTER QUEUE qt WITH STATUS = OFF;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'message 0');
SEND ON CONVERSATION @h (N'message 1');
END CONVERSATION @h;
SELECT message_sequence_number, message_type_name, is_end_of_dialog FROM sys.transmission_queue WHERE conversation_handle = @h
ORDER BY message_sequence_number;
GO
ALTER QUEUE qt WITH STATUS = ON;
GO
WAITFOR DELAY '00:00:02';
RECEIVE message_sequence_number, message_type_name, CAST(message_body AS NVARCHAR(MAX)) AS body FROM qt;
GO
