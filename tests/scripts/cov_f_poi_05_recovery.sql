-- F-POI-05: after the poison auto-disable, a new SEND waits in the sender's transmission queue;
-- ALTER QUEUE ... STATUS = ON makes both the poison message and the new message receivable.
CREATE DATABASE poi5;
GO
USE poi5;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
DECLARE @h UNIQUEIDENTIFIER, @i INT = 0, @b VARBINARY(MAX);
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'poison');
WHILE @i < 5
BEGIN
    BEGIN TRAN; RECEIVE TOP (1) @b = message_body FROM qt; ROLLBACK;
    SET @i = @i + 1;
END;
SELECT is_receive_enabled FROM sys.service_queues WHERE name = N'qt';
SEND ON CONVERSATION @h (N'new');
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
GO
ALTER QUEUE qt WITH STATUS = ON;
GO
WAITFOR DELAY '00:00:02';
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
RECEIVE message_sequence_number, CAST(message_body AS NVARCHAR(MAX)) AS body FROM qt;
GO
