-- F-PRI-06: with ready groups of priority 3 and 8, unfiltered RECEIVE and GET CONVERSATION GROUP
-- pick the priority-8 group (even though the priority-3 message arrived first).
-- F-PRI-07: inside one group, the messages of the priority-9 dialog come before those of the
-- priority-2 dialog. F-PRI-08: the queue's priority column is the endpoint's level.
CREATE DATABASE pr6;
GO
USE pr6;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi;
CREATE SERVICE st_lo ON QUEUE qt ([DEFAULT]);
CREATE SERVICE st_hi ON QUEUE qt ([DEFAULT]);
CREATE BROKER PRIORITY lo FOR CONVERSATION SET (LOCAL_SERVICE_NAME = st_lo, PRIORITY_LEVEL = 3);
CREATE BROKER PRIORITY hi FOR CONVERSATION SET (LOCAL_SERVICE_NAME = st_hi, PRIORITY_LEVEL = 8);
CREATE BROKER PRIORITY i_lo FOR CONVERSATION SET (LOCAL_SERVICE_NAME = si, REMOTE_SERVICE_NAME = 'st_lo', PRIORITY_LEVEL = 2);
CREATE BROKER PRIORITY i_hi FOR CONVERSATION SET (LOCAL_SERVICE_NAME = si, REMOTE_SERVICE_NAME = 'st_hi', PRIORITY_LEVEL = 9);
GO
DECLARE @lo UNIQUEIDENTIFIER, @hi UNIQUEIDENTIFIER, @g UNIQUEIDENTIFIER;
BEGIN DIALOG @lo FROM SERVICE si TO SERVICE 'st_lo' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @lo (N'to lo');
BEGIN DIALOG @hi FROM SERVICE si TO SERVICE 'st_hi' WITH RELATED_CONVERSATION = @lo, ENCRYPTION = OFF;
SEND ON CONVERSATION @hi (N'to hi');
-- F-PRI-06
BEGIN TRAN;
GET CONVERSATION GROUP @g FROM qt;
SELECT service_name AS get_group_picks FROM qt WHERE conversation_group_id = @g;
ROLLBACK;
RECEIVE service_name, priority, CAST(message_body AS NVARCHAR(MAX)) AS body FROM qt;
RECEIVE service_name, priority, CAST(message_body AS NVARCHAR(MAX)) AS body FROM qt;
-- F-PRI-07: both initiator dialogs share one group; replies arrive low-priority first
DECLARE @t_lo UNIQUEIDENTIFIER = (SELECT conversation_handle FROM sys.conversation_endpoints WHERE is_initiator = 0 AND far_service = N'si' AND service_id = (SELECT service_id FROM sys.services WHERE name = N'st_lo'));
DECLARE @t_hi UNIQUEIDENTIFIER = (SELECT conversation_handle FROM sys.conversation_endpoints WHERE is_initiator = 0 AND far_service = N'si' AND service_id = (SELECT service_id FROM sys.services WHERE name = N'st_hi'));
SEND ON CONVERSATION @t_lo (N'lo reply 1');
SEND ON CONVERSATION @t_lo (N'lo reply 2');
SEND ON CONVERSATION @t_hi (N'hi reply 1');
SEND ON CONVERSATION @t_hi (N'hi reply 2');
SELECT CASE conversation_handle WHEN @lo THEN 'lo' ELSE 'hi' END AS dialog, priority FROM sys.conversation_endpoints
WHERE is_initiator = 1 ORDER BY dialog;
RECEIVE priority, CAST(message_body AS NVARCHAR(MAX)) AS body, message_sequence_number FROM qi;
GO
