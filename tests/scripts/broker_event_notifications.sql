CREATE DATABASE ev;
GO
USE ev;
GO
CREATE QUEUE NotifyQ;
CREATE SERVICE NotifySvc ON QUEUE NotifyQ ([http://schemas.microsoft.com/SQL/Notifications/PostEventNotification]);
CREATE QUEUE WorkQ WITH POISON_MESSAGE_HANDLING (STATUS = ON);
CREATE SERVICE WorkSvc ON QUEUE WorkQ ([DEFAULT]);
CREATE QUEUE SrcQ; CREATE SERVICE SrcSvc ON QUEUE SrcQ;
CREATE EVENT NOTIFICATION WorkActivation ON QUEUE WorkQ FOR QUEUE_ACTIVATION TO SERVICE 'NotifySvc', 'current database';
CREATE EVENT NOTIFICATION WorkDisabled ON QUEUE WorkQ FOR BROKER_QUEUE_DISABLED TO SERVICE 'NotifySvc', 'current database';
GO
SELECT name, service_name FROM sys.event_notifications ORDER BY name;
ALTER QUEUE WorkQ WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = p, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE SrcSvc TO SERVICE 'WorkSvc' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (0x01);
WAITFOR DELAY '00:00:00.500';
DECLARE @b XML;
RECEIVE TOP(1) @b = CAST(message_body AS XML) FROM NotifyQ;
SELECT @b.value('(/EVENT_INSTANCE/EventType)[1]', 'nvarchar(50)') AS event_type, @b.value('(/EVENT_INSTANCE/ObjectName)[1]', 'sysname') AS object_name;
GO
DECLARE @i INT = 0;
WHILE @i < 5
BEGIN
    DECLARE @x VARBINARY(MAX); BEGIN TRAN; RECEIVE TOP(1) @x = message_body FROM WorkQ; ROLLBACK;
    SET @i += 1;
END
GO
WAITFOR DELAY '00:00:00.300';
SELECT message_type_name, COUNT(*) AS n FROM NotifyQ GROUP BY message_type_name;
DECLARE @b XML;
WHILE 1 = 1
BEGIN
    RECEIVE TOP(1) @b = CAST(message_body AS XML) FROM NotifyQ;
    IF @@ROWCOUNT = 0 BREAK;
    SELECT @b.value('(/EVENT_INSTANCE/EventType)[1]', 'nvarchar(50)') AS event_type;
END
GO
