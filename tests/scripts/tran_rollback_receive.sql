-- A rolled-back RECEIVE restores the messages in order; an autocommit RECEIVE removes them.
CREATE DATABASE trr;
GO
USE trr;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m0/>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m1/>');
BEGIN TRAN;
RECEIVE message_sequence_number FROM TargetQ;
SELECT COUNT(*) AS in_tran FROM TargetQ;
ROLLBACK;
SELECT status, message_sequence_number FROM TargetQ ORDER BY queuing_order;
RECEIVE message_sequence_number FROM TargetQ;
SELECT COUNT(*) AS after_autocommit FROM TargetQ;
GO
