-- F-MT-04: message type names are binary (case-sensitive): [A] and [a] are two types, and SEND
-- with [a] on a contract that only lists [A] fails with 8431.
-- F-MT-05: URI-style and '#' names are ordinary permanent names.
CREATE DATABASE mtc;
GO
USE mtc;
GO
CREATE MESSAGE TYPE [A];
CREATE MESSAGE TYPE [a];
CREATE MESSAGE TYPE [//X/Y];
CREATE MESSAGE TYPE [#t];
GO
SELECT name FROM sys.service_message_types WHERE message_type_id >= 65536 ORDER BY message_type_id;
GO
CREATE CONTRACT c ([A] SENT BY ANY);
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt (c);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' ON CONTRACT c WITH ENCRYPTION = OFF;
BEGIN TRY
    SEND ON CONVERSATION @h MESSAGE TYPE [a] (0x01);
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number, ERROR_SEVERITY() AS severity;
END CATCH;
SEND ON CONVERSATION @h MESSAGE TYPE [A] (0x02);
SELECT message_type_name, message_body FROM qt;
GO
-- the '#' name is permanent: still there in a later batch, after a USE round trip
USE master;
GO
USE mtc;
SELECT name FROM sys.service_message_types WHERE name = N'#t';
DROP MESSAGE TYPE [#t];
SELECT COUNT(*) AS hash_types FROM sys.service_message_types WHERE name = N'#t';
GO
