-- An event notification's name is unique within its scope: for ON QUEUE, the queue.
-- (CREATE EVENT NOTIFICATION: "Must be unique within the scope in which the event
-- notification is created (SERVER, DATABASE, or object_name)".)
CREATE QUEUE ExtQ;
CREATE SERVICE ExtSvc ON QUEUE ExtQ ([http://schemas.microsoft.com/SQL/Notifications/PostEventNotification]);
CREATE QUEUE Target1; CREATE QUEUE Target2;
GO
CREATE EVENT NOTIFICATION OnTarget ON QUEUE Target1 FOR QUEUE_ACTIVATION TO SERVICE 'ExtSvc', 'current database';
GO
CREATE EVENT NOTIFICATION OnTarget ON QUEUE Target2 FOR QUEUE_ACTIVATION TO SERVICE 'ExtSvc', 'current database';
GO
-- the same name twice on one queue is an error
CREATE EVENT NOTIFICATION OnTarget ON QUEUE Target1 FOR BROKER_QUEUE_DISABLED TO SERVICE 'ExtSvc', 'current database';
GO
SELECT COUNT(*) AS notifications FROM sys.event_notifications WHERE name = 'OnTarget';
GO
-- DROP names the scope: only Target1's notification goes
DROP EVENT NOTIFICATION OnTarget ON QUEUE Target1;
GO
SELECT COUNT(*) AS notifications FROM sys.event_notifications WHERE name = 'OnTarget';
GO
DROP EVENT NOTIFICATION OnTarget ON QUEUE Target1;
GO
DROP EVENT NOTIFICATION OnTarget ON QUEUE Target2;
SELECT COUNT(*) AS notifications FROM sys.event_notifications;
GO
