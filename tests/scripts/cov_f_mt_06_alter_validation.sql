-- F-MT-06: ALTER MESSAGE TYPE ... VALIDATION updates the catalog; messages enqueued afterwards are
-- validated with the new rule (malformed XML now rejected with Error -9615 at the sender).
-- F-MT-07: DROP MESSAGE TYPE fails while a contract uses it and succeeds after the contract is dropped.
CREATE DATABASE mta;
GO
USE mta;
GO
CREATE MESSAGE TYPE m VALIDATION = NONE;
CREATE CONTRACT c (m SENT BY ANY);
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt (c);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' ON CONTRACT c WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE m (N'<not xml');
RECEIVE validation, CAST(message_body AS NVARCHAR(MAX)) AS body FROM qt;
GO
ALTER MESSAGE TYPE m VALIDATION = WELL_FORMED_XML;
SELECT name, validation, validation_desc FROM sys.service_message_types WHERE name = N'm';
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' ON CONTRACT c WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE m (N'<ok/>');
SEND ON CONVERSATION @h MESSAGE TYPE m (N'<not xml');
GO
WAITFOR DELAY '00:00:00.500';
-- the valid message is delivered; the malformed one is not: the target endpoint gets Error -9616
RECEIVE message_type_name, validation,
        CASE WHEN validation = 'X' AND message_type_name = N'm' THEN CAST(message_body AS NVARCHAR(MAX)) END AS body
FROM qt;
SELECT message_type_name,
       CAST(message_body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code
FROM qi WHERE message_type_name = N'http://schemas.microsoft.com/SQL/ServiceBroker/Error';
GO
-- F-MT-07
DROP MESSAGE TYPE m;
GO
SELECT COUNT(*) AS still_there FROM sys.service_message_types WHERE name = N'm';
GO
DROP SERVICE st;
DROP CONTRACT c;
DROP MESSAGE TYPE m;
SELECT COUNT(*) AS after_drop FROM sys.service_message_types WHERE name = N'm';
GO
