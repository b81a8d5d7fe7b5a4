-- F-END-05: END ... WITH ERROR on a dialog with undeliverable pending messages removes them from
-- sys.transmission_queue; only the Error remains pending (is_conversation_error = 1).
-- F-TXQ-05: END on an undeliverable dialog leaves a pending row with is_end_of_dialog = 1.
CREATE DATABASE e5;
GO
USE e5;
GO
CREATE QUEUE qi;
CREATE SERVICE si ON QUEUE qi;
GO
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE si TO SERVICE 'nowhere' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h1 (N'one');
SEND ON CONVERSATION @h1 (N'two');
BEGIN DIALOG @h2 FROM SERVICE si TO SERVICE 'nowhere' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h2 (N'three');
SELECT CASE conversation_handle WHEN @h1 THEN 'h1' ELSE 'h2' END AS dialog, message_sequence_number,
       is_end_of_dialog, is_conversation_error
FROM sys.transmission_queue ORDER BY dialog, message_sequence_number;
END CONVERSATION @h1 WITH ERROR = 99 DESCRIPTION = N'giving up';
END CONVERSATION @h2;
SELECT CASE conversation_handle WHEN @h1 THEN 'h1' ELSE 'h2' END AS dialog, message_sequence_number,
       message_type_name, is_end_of_dialog, is_conversation_error
FROM sys.transmission_queue ORDER BY dialog, message_sequence_number;
SELECT CASE conversation_handle WHEN @h1 THEN 'h1' ELSE 'h2' END AS dialog, state
FROM sys.conversation_endpoints ORDER BY dialog;
GO
