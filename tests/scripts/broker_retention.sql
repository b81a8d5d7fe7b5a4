-- Queue RETENTION: sent copies kept with status 3, received rows kept with status 0, purged at END CONVERSATION.
CREATE DATABASE ret;
GO
USE ret;
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
ALTER QUEUE InitQ WITH RETENTION = ON;
ALTER QUEUE TargetQ WITH RETENTION = ON;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<a/>');
SELECT status, message_sequence_number FROM InitQ;
RECEIVE message_sequence_number FROM TargetQ;
SELECT status FROM TargetQ;
RECEIVE * FROM TargetQ;
SELECT @@ROWCOUNT AS second_receive;
END CONVERSATION @h;
SELECT COUNT(*) AS init_q_after_end FROM InitQ;
GO
