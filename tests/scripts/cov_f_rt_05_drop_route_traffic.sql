-- F-RT-05: DROP ROUTE while dialogs use it succeeds; their messages stay pending.
-- F-RT-06: an expired route is ignored (new dialog DELAYED); ALTER ROUTE ... LIFETIME = 3600 makes
-- it usable again and the message is delivered.
CREATE DATABASE rt5;
GO
USE rt5;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
DROP ROUTE AutoCreatedLocal;
CREATE ROUTE to_st WITH SERVICE_NAME = 'st', ADDRESS = 'LOCAL';
ALTER QUEUE qt WITH STATUS = OFF;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'while route exists');
GO
DROP ROUTE to_st;
ALTER QUEUE qt WITH STATUS = ON;
GO
WAITFOR DELAY '00:00:01.500';
SELECT COUNT(*) AS routes FROM sys.routes;
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
SELECT COUNT(*) AS delivered FROM qt;
GO
-- F-RT-06
DECLARE @old UNIQUEIDENTIFIER = (SELECT TOP (1) conversation_handle FROM sys.transmission_queue);
END CONVERSATION @old WITH CLEANUP;
CREATE ROUTE to_st WITH SERVICE_NAME = 'st', LIFETIME = 1, ADDRESS = 'LOCAL';
GO
WAITFOR DELAY '00:00:02';
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'after expiry');
GO
WAITFOR DELAY '00:00:01.500';
SELECT COUNT(*) AS pending_with_expired_route FROM sys.transmission_queue;
SELECT CASE WHEN LEN(transmission_status) > 0 THEN 1 ELSE 0 END AS has_status FROM sys.transmission_queue;
SELECT COUNT(*) AS delivered FROM qt;
ALTER ROUTE to_st WITH LIFETIME = 3600;
GO
WAITFOR DELAY '00:00:02';
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
RECEIVE CAST(message_body AS NVARCHAR(MAX)) AS body FROM qt;
GO
