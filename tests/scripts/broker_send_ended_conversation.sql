-- SEND after the far side ended (DI) fails 8429; after END on own side 8426/8429.
CREATE DATABASE sec;
GO
USE sec;
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
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<a/>');
DECLARE @t UNIQUEIDENTIFIER;
RECEIVE TOP (1) @t = conversation_handle FROM TargetQ;
END CONVERSATION @t;
SELECT state, state_desc FROM sys.conversation_endpoints WHERE conversation_handle = @h;
SELECT message_type_name FROM InitQ;
BEGIN TRY
    SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<b/>');
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number, ERROR_SEVERITY() AS severity;
END CATCH;
SEND ON CONVERSATION @t MESSAGE TYPE [//x/Reply] (N'<r/>');
GO
