-- F-SVC-07: DROP SERVICE fails while a broker priority names it; otherwise the service's messages
-- are deleted and the far side of each open dialog receives Error -8470.
CREATE DATABASE svc7;
GO
USE svc7;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi;
CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
CREATE BROKER PRIORITY p FOR CONVERSATION SET (LOCAL_SERVICE_NAME = st, PRIORITY_LEVEL = 4);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'a');
SEND ON CONVERSATION @h (N'b');
GO
DROP SERVICE st;
GO
SELECT COUNT(*) AS services FROM sys.services WHERE name = N'st';
DROP BROKER PRIORITY p;
DROP SERVICE st;
GO
WAITFOR DELAY '00:00:00.500';
SELECT COUNT(*) AS services FROM sys.services WHERE name = N'st';
SELECT COUNT(*) AS target_rows FROM qt;
SELECT is_initiator, state FROM sys.conversation_endpoints;
SELECT message_type_name,
       CAST(message_body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code
FROM qi;
GO
