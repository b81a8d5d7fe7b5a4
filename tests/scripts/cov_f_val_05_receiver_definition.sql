-- F-VAL-05: the receiver's message type definition governs validation: NONE in the initiator's
-- database, WELL_FORMED_XML in the target's; non-XML is rejected by the target, the initiator gets -9615.
-- F-VAL-06: the target's contract copy lacks the type: the initiator gets Error -8498.
CREATE DATABASE vi;
CREATE DATABASE vt;
GO
ALTER DATABASE vi SET TRUSTWORTHY ON;
ALTER DATABASE vt SET TRUSTWORTHY ON;
GO
USE vt;
CREATE MESSAGE TYPE m VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE extra VALIDATION = NONE;
CREATE CONTRACT c (m SENT BY INITIATOR);
CREATE CONTRACT c2 (m SENT BY INITIATOR);
CREATE QUEUE qt; CREATE SERVICE st ON QUEUE qt (c, c2);
GO
USE vi;
CREATE MESSAGE TYPE m VALIDATION = NONE;
CREATE MESSAGE TYPE extra VALIDATION = NONE;
CREATE CONTRACT c (m SENT BY INITIATOR);
CREATE CONTRACT c2 (m SENT BY INITIATOR, extra SENT BY INITIATOR);
CREATE QUEUE qi; CREATE SERVICE si ON QUEUE qi;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' ON CONTRACT c WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE m (N'not xml <');
GO
WAITFOR DELAY '00:00:01';
SELECT COUNT(*) AS target_rows FROM vt.dbo.qt;
SELECT e.state, q.message_type_name,
       CAST(q.message_body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code
FROM qi AS q JOIN sys.conversation_endpoints AS e ON e.conversation_handle = q.conversation_handle;
GO
-- F-VAL-06
DECLARE @g UNIQUEIDENTIFIER;
WHILE 1 = 1
BEGIN
    RECEIVE TOP (1) @g = conversation_handle FROM qi;
    IF @@ROWCOUNT = 0 BREAK;
    END CONVERSATION @g;
END;
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' ON CONTRACT c2 WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE extra (0x01);
GO
WAITFOR DELAY '00:00:01';
SELECT COUNT(*) AS target_rows FROM vt.dbo.qt;
SELECT e.state, q.message_type_name,
       CAST(q.message_body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code
FROM qi AS q JOIN sys.conversation_endpoints AS e ON e.conversation_handle = q.conversation_handle;
GO
