-- ENCRYPTION = ON between two databases of one instance needs a database master key in
-- both (spec 06 §6.6, F-SEC-02): the message waits in sys.transmission_queue with a
-- session-key status until both keys exist, then it is delivered without user action.
CREATE DATABASE EncTarget;
GO
CREATE DATABASE EncInit;
GO
ALTER DATABASE EncInit SET TRUSTWORTHY ON;
GO
USE EncTarget;
CREATE MESSAGE TYPE [//enc/Request] VALIDATION = WELL_FORMED_XML;
CREATE CONTRACT [//enc/Contract] ([//enc/Request] SENT BY INITIATOR);
CREATE QUEUE TargetQ;
CREATE SERVICE [//enc/Target] ON QUEUE TargetQ ([//enc/Contract]);
GO
USE EncInit;
CREATE MESSAGE TYPE [//enc/Request] VALIDATION = WELL_FORMED_XML;
CREATE CONTRACT [//enc/Contract] ([//enc/Request] SENT BY INITIATOR);
CREATE QUEUE InitQ;
CREATE SERVICE [//enc/Init] ON QUEUE InitQ;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//enc/Init] TO SERVICE '//enc/Target'
    ON CONTRACT [//enc/Contract] WITH ENCRYPTION = ON;
SEND ON CONVERSATION @h MESSAGE TYPE [//enc/Request] (N'<secret/>');
GO
WAITFOR DELAY '00:00:00.500';
SELECT to_service_name, transmission_status FROM sys.transmission_queue;
SELECT COUNT(*) AS delivered FROM EncTarget.dbo.TargetQ;
GO
-- A key in the initiator database only is not enough.
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'init-db-key';
GO
WAITFOR DELAY '00:00:00.500';
SELECT COUNT(*) AS still_pending FROM sys.transmission_queue;
GO
-- With the target database's key the message goes through.
USE EncTarget;
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'target-db-key';
GO
WAITFOR DELAY '00:00:01.200';
SELECT COUNT(*) AS pending FROM EncInit.sys.transmission_queue;
SELECT message_type_name, CAST(message_body AS XML) AS body FROM TargetQ;
GO
-- ENCRYPTION = OFF needs no master key, and ENCRYPTION = ON inside one database neither.
USE EncInit;
DROP MASTER KEY;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//enc/Init] TO SERVICE '//enc/Target'
    ON CONTRACT [//enc/Contract] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//enc/Request] (N'<plain/>');
GO
WAITFOR DELAY '00:00:01.200';
SELECT COUNT(*) AS delivered FROM EncTarget.dbo.TargetQ;
GO
