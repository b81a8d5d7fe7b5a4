-- SEND errors: 8418 NULL handle, 8426 unknown handle, 8431 type not in contract, 8428 unknown type, 8432/8434 direction.
CREATE DATABASE se;
GO
USE se;
GO
CREATE MESSAGE TYPE [//x/Req] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Reply] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Any];
CREATE MESSAGE TYPE [//x/Other];
CREATE CONTRACT [//x/Contract] ([//x/Req] SENT BY INITIATOR, [//x/Reply] SENT BY TARGET, [//x/Any] SENT BY ANY);
CREATE QUEUE InitQ;
CREATE QUEUE TargetQ;
CREATE SERVICE [//x/Init] ON QUEUE InitQ;
CREATE SERVICE [//x/Target] ON QUEUE TargetQ ([//x/Contract]);
GO
DECLARE @n UNIQUEIDENTIFIER;
SEND ON CONVERSATION @n MESSAGE TYPE [//x/Req] (N'<a/>');
GO
DECLARE @g UNIQUEIDENTIFIER = NEWID();
SEND ON CONVERSATION @g MESSAGE TYPE [//x/Req] (N'<a/>');
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
BEGIN TRY
    SEND ON CONVERSATION @h MESSAGE TYPE [//x/Other] (N'x');
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS wrong_contract;
END CATCH;
BEGIN TRY
    SEND ON CONVERSATION @h MESSAGE TYPE [//x/Nope] (N'x');
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS unknown_type;
END CATCH;
BEGIN TRY
    -- the initiator sends a SENT BY TARGET type
    SEND ON CONVERSATION @h MESSAGE TYPE [//x/Reply] (N'<r/>');
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS initiator_sends_target_type;
END CATCH;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<q/>');
DECLARE @t UNIQUEIDENTIFIER;
RECEIVE TOP (1) @t = conversation_handle FROM TargetQ;
BEGIN TRY
    -- the target sends a SENT BY INITIATOR type
    SEND ON CONVERSATION @t MESSAGE TYPE [//x/Req] (N'<q/>');
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS target_sends_initiator_type;
END CATCH;
-- SENT BY ANY works both ways
SEND ON CONVERSATION @t MESSAGE TYPE [//x/Any] (N'from target');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any] (N'from initiator');
SELECT (SELECT COUNT(*) FROM InitQ) AS init_q, (SELECT COUNT(*) FROM TargetQ) AS target_q;
-- uncaught: ends the batch
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Reply] (N'<r/>');
PRINT 'not reached';
GO
