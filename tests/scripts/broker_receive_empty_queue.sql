-- RECEIVE on an empty queue: empty result with full metadata, @@ROWCOUNT 0.
CREATE DATABASE rq;
GO
USE rq;
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
RECEIVE * FROM TargetQ;
SELECT @@ROWCOUNT AS rc;
RECEIVE TOP (1) conversation_handle, CAST(message_body AS NVARCHAR(MAX)) AS body FROM TargetQ;
GO
