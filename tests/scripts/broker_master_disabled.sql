-- master has the broker disabled (like SQL Server): a dialog from master is never delivered.
USE master;
GO
SELECT is_broker_enabled FROM sys.databases WHERE name = N'master';
SELECT COUNT(*) AS routes FROM sys.routes;
GO
CREATE QUEUE mq;
CREATE SERVICE ms ON QUEUE mq ([DEFAULT]);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE ms TO SERVICE 'ms' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'x');
SELECT COUNT(*) AS queued FROM mq;
SELECT COUNT(*) AS pending, MAX(CASE WHEN LEN(transmission_status) > 0 THEN 1 ELSE 0 END) AS has_status FROM sys.transmission_queue;
END CONVERSATION @h WITH CLEANUP;
GO
DROP SERVICE ms;
DROP QUEUE mq;
GO
