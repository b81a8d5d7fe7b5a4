-- F-RCV-16: a dialog with application messages queued, then a DialogTimer, then an Error:
-- RECEIVE returns the DialogTimer, then the Error, then the application messages.
CREATE DATABASE r16;
GO
USE r16;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
DECLARE @h UNIQUEIDENTIFIER, @t UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'hello');
RECEIVE TOP (1) @t = conversation_handle FROM qt;
SEND ON CONVERSATION @t (N'reply 1');
SEND ON CONVERSATION @t (N'reply 2');
BEGIN CONVERSATION TIMER (@h) TIMEOUT = 1;
CREATE TABLE h (t UNIQUEIDENTIFIER);
INSERT INTO h VALUES (@t);
GO
WAITFOR DELAY '00:00:02.500';
DECLARE @t UNIQUEIDENTIFIER = (SELECT t FROM h);
END CONVERSATION @t WITH ERROR = 42 DESCRIPTION = N'late error';
GO
SELECT message_type_name FROM qi WITH (NOLOCK) ORDER BY queuing_order;
RECEIVE message_type_name, CAST(message_body AS NVARCHAR(MAX)) AS body FROM qi;
GO
