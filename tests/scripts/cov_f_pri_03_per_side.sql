-- F-PRI-03: no priorities -> 5; a priority defined only in the initiator's database: the
-- initiator endpoint gets its level, the target endpoint (other database) gets 5.
CREATE DATABASE pri_i;
CREATE DATABASE pri_t;
GO
ALTER DATABASE pri_i SET TRUSTWORTHY ON;
ALTER DATABASE pri_t SET TRUSTWORTHY ON;
GO
USE pri_t;
CREATE QUEUE qt; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
USE pri_i;
CREATE QUEUE qi; CREATE SERVICE si ON QUEUE qi;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'no priorities');
SELECT priority AS initiator_no_priorities FROM sys.conversation_endpoints WHERE conversation_handle = @h;
GO
CREATE BROKER PRIORITY only_in_i FOR CONVERSATION SET (CONTRACT_NAME = [DEFAULT], PRIORITY_LEVEL = 9);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'priority in I');
SELECT priority AS initiator_with_priority FROM sys.conversation_endpoints WHERE conversation_handle = @h;
GO
WAITFOR DELAY '00:00:01';
SELECT CAST(message_body AS NVARCHAR(MAX)) AS body, priority AS target_priority FROM pri_t.dbo.qt ORDER BY body;
SELECT priority FROM pri_t.sys.conversation_endpoints;
GO
