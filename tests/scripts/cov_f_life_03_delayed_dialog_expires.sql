-- F-LIFE-03: a dialog that could never be delivered (no target) with LIFETIME = 3 expires: the
-- initiator receives Error -8489 and its transmission row disappears.
CREATE DATABASE l3;
GO
USE l3;
GO
CREATE QUEUE qi;
CREATE SERVICE si ON QUEUE qi;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'no_such_service' WITH LIFETIME = 3, ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'never delivered');
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
GO
WAITFOR DELAY '00:00:05';
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
SELECT state FROM sys.conversation_endpoints;
RECEIVE message_type_name,
        CAST(message_body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code
FROM qi;
GO
