-- F-SVC-06: ALTER SERVICE (ADD CONTRACT c2, DROP CONTRACT c1): new dialogs on c2 accepted, new
-- dialogs on c1 rejected with Error -8408; an existing c1 dialog keeps working.
CREATE DATABASE svc6;
GO
USE svc6;
GO
CREATE MESSAGE TYPE m;
CREATE CONTRACT c1 (m SENT BY ANY);
CREATE CONTRACT c2 (m SENT BY ANY);
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi;
CREATE SERVICE st ON QUEUE qt (c1);
GO
DECLARE @old UNIQUEIDENTIFIER;
BEGIN DIALOG @old FROM SERVICE si TO SERVICE 'st' ON CONTRACT c1 WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @old MESSAGE TYPE m (N'old-1');
CREATE TABLE h (name VARCHAR(10), handle UNIQUEIDENTIFIER);
INSERT INTO h VALUES ('old', @old);
GO
ALTER SERVICE st (ADD CONTRACT c2, DROP CONTRACT c1);
SELECT c.name FROM sys.service_contract_usages AS u
JOIN sys.services AS s ON s.service_id = u.service_id
JOIN sys.service_contracts AS c ON c.service_contract_id = u.service_contract_id
WHERE s.name = N'st';
GO
DECLARE @old UNIQUEIDENTIFIER = (SELECT handle FROM h WHERE name = 'old');
DECLARE @n1 UNIQUEIDENTIFIER, @n2 UNIQUEIDENTIFIER;
SEND ON CONVERSATION @old MESSAGE TYPE m (N'old-2');
BEGIN DIALOG @n2 FROM SERVICE si TO SERVICE 'st' ON CONTRACT c2 WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @n2 MESSAGE TYPE m (N'new-c2');
BEGIN DIALOG @n1 FROM SERVICE si TO SERVICE 'st' ON CONTRACT c1 WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @n1 MESSAGE TYPE m (N'new-c1');
INSERT INTO h VALUES ('n1', @n1);
GO
WAITFOR DELAY '00:00:00.500';
SELECT service_contract_name, CAST(message_body AS NVARCHAR(MAX)) AS body FROM qt ORDER BY service_contract_name, message_sequence_number;
SELECT e.state,
       CAST(q.message_body AS XML).value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code
FROM qi AS q JOIN sys.conversation_endpoints AS e ON e.conversation_handle = q.conversation_handle
JOIN h ON h.handle = q.conversation_handle AND h.name = 'n1';
GO
