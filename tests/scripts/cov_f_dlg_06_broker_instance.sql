-- F-DLG-06: TO SERVICE 't', '<guid>' / 'CURRENT DATABASE': far_broker_instance is that GUID / the
-- current database's GUID; delivery only to the database with that GUID.
CREATE DATABASE bi1;
CREATE DATABASE bi2;
GO
ALTER DATABASE bi1 SET TRUSTWORTHY ON;
ALTER DATABASE bi2 SET TRUSTWORTHY ON;
GO
USE bi2;
CREATE QUEUE qt; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
USE bi1;
CREATE QUEUE qi; CREATE SERVICE si ON QUEUE qi;
CREATE QUEUE qt; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
DECLARE @g1 NVARCHAR(100) = (SELECT CONVERT(NVARCHAR(100), service_broker_guid) FROM sys.databases WHERE name = N'bi1');
DECLARE @g2 NVARCHAR(100) = (SELECT CONVERT(NVARCHAR(100), service_broker_guid) FROM sys.databases WHERE name = N'bi2');
DECLARE @hc UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER, @hx UNIQUEIDENTIFIER;
BEGIN DIALOG @hc FROM SERVICE si TO SERVICE 'st', 'CURRENT DATABASE' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @hc (N'to current');
BEGIN DIALOG @h2 FROM SERVICE si TO SERVICE 'st', @g2 WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h2 (N'to bi2');
BEGIN DIALOG @hx FROM SERVICE si TO SERVICE 'st', '11111111-2222-3333-4444-555555555555' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @hx (N'to nowhere');
SELECT CASE WHEN far_broker_instance = @g1 THEN 'bi1' WHEN far_broker_instance = @g2 THEN 'bi2' ELSE far_broker_instance END AS far
FROM sys.conversation_endpoints WHERE conversation_handle IN (@hc, @h2, @hx) ORDER BY far;
GO
WAITFOR DELAY '00:00:01';
SELECT CAST(message_body AS NVARCHAR(MAX)) AS in_bi1 FROM bi1.dbo.qt;
SELECT CAST(message_body AS NVARCHAR(MAX)) AS in_bi2 FROM bi2.dbo.qt;
SELECT CAST(message_body AS NVARCHAR(MAX)) AS pending FROM sys.transmission_queue;
GO
