-- F-POI-02: 4 rollbacks, 1 commit, 4 rollbacks: the queue stays enabled.
-- F-POI-03: savepoint rollbacks and rollbacks of empty RECEIVEs are not counted.
-- F-POI-04: POISON_MESSAGE_HANDLING (STATUS = OFF): 6 rollbacks leave the queue enabled.
CREATE DATABASE poi2;
GO
USE poi2;
GO
CREATE QUEUE qi; CREATE QUEUE qt; CREATE QUEUE qnp WITH POISON_MESSAGE_HANDLING (STATUS = OFF);
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]); CREATE SERVICE snp ON QUEUE qnp ([DEFAULT]);
GO
DECLARE @h UNIQUEIDENTIFIER, @i INT = 0, @b VARBINARY(MAX);
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'poison?');
SEND ON CONVERSATION @h (N'second');
WHILE @i < 4
BEGIN
    BEGIN TRAN; RECEIVE TOP (1) @b = message_body FROM qt; ROLLBACK;
    SET @i = @i + 1;
END;
RECEIVE TOP (1) CAST(message_body AS NVARCHAR(MAX)) AS committed_receive FROM qt;
SET @i = 0;
WHILE @i < 4
BEGIN
    BEGIN TRAN; RECEIVE TOP (1) @b = message_body FROM qt; ROLLBACK;
    SET @i = @i + 1;
END;
SELECT is_receive_enabled AS after_4_1_4 FROM sys.service_queues WHERE name = N'qt';
-- F-POI-03
SET @i = 0;
WHILE @i < 10
BEGIN
    BEGIN TRAN; SAVE TRAN s; RECEIVE TOP (1) @b = message_body FROM qt; ROLLBACK TRAN s; COMMIT;
    SET @i = @i + 1;
END;
SELECT is_receive_enabled AS after_10_savepoints FROM sys.service_queues WHERE name = N'qt';
RECEIVE CAST(message_body AS NVARCHAR(MAX)) AS drained FROM qt;
SET @i = 0;
WHILE @i < 10
BEGIN
    BEGIN TRAN; RECEIVE @b = message_body FROM qt; ROLLBACK;
    SET @i = @i + 1;
END;
SELECT is_receive_enabled AS after_10_empty FROM sys.service_queues WHERE name = N'qt';
-- F-POI-04
DECLARE @h2 UNIQUEIDENTIFIER;
BEGIN DIALOG @h2 FROM SERVICE si TO SERVICE 'snp' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h2 (N'poison');
SET @i = 0;
WHILE @i < 6
BEGIN
    BEGIN TRAN; RECEIVE TOP (1) @b = message_body FROM qnp; ROLLBACK;
    SET @i = @i + 1;
END;
SELECT is_receive_enabled AS handling_off_after_6 FROM sys.service_queues WHERE name = N'qnp';
GO
