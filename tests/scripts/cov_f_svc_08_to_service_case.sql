-- F-SVC-08: TO SERVICE names are compared byte by byte: a different letter case is never
-- delivered (held with a transmission_status); the exact name delivers.
CREATE DATABASE svc8;
GO
USE svc8;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi;
CREATE SERVICE [//X/Target] ON QUEUE qt ([DEFAULT]);
GO
DECLARE @bad UNIQUEIDENTIFIER, @good UNIQUEIDENTIFIER;
BEGIN DIALOG @bad FROM SERVICE si TO SERVICE '//x/target' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @bad (N'wrong case');
BEGIN DIALOG @good FROM SERVICE si TO SERVICE '//X/Target' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @good (N'exact');
GO
WAITFOR DELAY '00:00:01';
SELECT CAST(message_body AS NVARCHAR(MAX)) AS body FROM qt;
SELECT to_service_name, CASE WHEN LEN(transmission_status) > 0 THEN 1 ELSE 0 END AS has_status FROM sys.transmission_queue;
GO
