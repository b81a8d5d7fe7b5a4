-- END CONVERSATION deletes the ending side's unreceived messages of that dialog.
CREATE DATABASE edu;
GO
USE edu;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<q1/>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<q2/>');
DECLARE @t UNIQUEIDENTIFIER;
SELECT @t = conversation_handle FROM sys.conversation_endpoints WHERE is_initiator = 0;
SELECT COUNT(*) AS before_end FROM TargetQ;
END CONVERSATION @t;
SELECT COUNT(*) AS after_end FROM TargetQ;
SELECT message_type_name FROM InitQ;
GO
