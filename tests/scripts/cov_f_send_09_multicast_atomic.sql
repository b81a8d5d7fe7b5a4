-- F-SEND-09: a multicast SEND whose list contains one ended dialog fails as a whole: no target
-- receives anything (the duplicate-handle case is in broker_send_multicast.sql).
CREATE DATABASE smc;
GO
USE smc;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
DECLARE @h1 UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER, @h3 UNIQUEIDENTIFIER, @t UNIQUEIDENTIFIER;
BEGIN DIALOG @h1 FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
BEGIN DIALOG @h2 FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
BEGIN DIALOG @h3 FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h2 (N'first');
RECEIVE TOP (1) @t = conversation_handle FROM qt;
END CONVERSATION @t;
SELECT state FROM sys.conversation_endpoints WHERE conversation_handle = @h2;
BEGIN TRY
    SEND ON CONVERSATION (@h1, @h2, @h3) (N'multicast');
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number;
END CATCH;
SELECT COUNT(*) AS target_rows FROM qt;
SELECT conversation_handle FROM sys.conversation_endpoints WHERE conversation_handle IN (@h1, @h3) AND send_sequence > 0;
GO
