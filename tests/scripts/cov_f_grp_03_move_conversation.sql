-- F-GRP-03: MOVE CONVERSATION sets the endpoint's group, queued messages report the new group and
-- the emptied old group disappears. F-GRP-04: destination group on another queue -> 8439.
-- F-GRP-07: enqueue ignores group locks (a reply for a locked group is inserted and visible with NOLOCK).
CREATE DATABASE g3;
GO
USE g3;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER, @g1 UNIQUEIDENTIFIER, @g2 UNIQUEIDENTIFIER, @t1 UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
BEGIN DIALOG @h2 FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h1 (N'to t1');
RECEIVE TOP (1) @t1 = conversation_handle FROM qt;
SEND ON CONVERSATION @t1 (N'reply a');
SEND ON CONVERSATION @t1 (N'reply b');
SELECT @g1 = conversation_group_id FROM sys.conversation_endpoints WHERE conversation_handle = @h1;
SELECT @g2 = conversation_group_id FROM sys.conversation_endpoints WHERE conversation_handle = @h2;
MOVE CONVERSATION @h1 TO @g2;
SELECT CASE WHEN conversation_group_id = @g2 THEN 1 ELSE 0 END AS endpoint_in_g2 FROM sys.conversation_endpoints WHERE conversation_handle = @h1;
SELECT CASE WHEN conversation_group_id = @g2 THEN 1 ELSE 0 END AS message_in_g2 FROM qi;
SELECT COUNT(*) AS old_group_rows FROM sys.conversation_groups WHERE conversation_group_id = @g1;
-- F-GRP-04: the target side's group belongs to qt
DECLARE @tg UNIQUEIDENTIFIER = (SELECT conversation_group_id FROM sys.conversation_endpoints WHERE conversation_handle = @t1);
BEGIN TRY
    MOVE CONVERSATION @h2 TO @tg;
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number;
END CATCH;
-- F-GRP-07: lock g2 by receiving from it, then a reply for g2 arrives
BEGIN TRAN;
RECEIVE TOP (1) CAST(message_body AS NVARCHAR(MAX)) AS body FROM qi WHERE conversation_group_id = @g2;
SEND ON CONVERSATION @t1 (N'reply c, group locked');
SELECT CAST(message_body AS NVARCHAR(MAX)) AS body, status FROM qi WITH (NOLOCK) ORDER BY message_sequence_number;
COMMIT;
GO
