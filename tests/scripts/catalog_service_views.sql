-- SELECT * from the broker object catalog views (column sets), user rows only.
CREATE DATABASE csv;
GO
USE csv;
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
SELECT * FROM sys.service_message_types WHERE name LIKE N'//x/%' ORDER BY name;
SELECT * FROM sys.service_contracts WHERE name = N'//x/Contract';
SELECT u.* FROM sys.service_contract_message_usages AS u JOIN sys.service_contracts AS c ON c.service_contract_id = u.service_contract_id
WHERE c.name = N'//x/Contract' ORDER BY u.message_type_id;
SELECT name, principal_id FROM sys.services WHERE name LIKE N'//x/%' ORDER BY name;
SELECT COUNT(*) AS contract_usages FROM sys.service_contract_usages AS u JOIN sys.services AS s ON s.service_id = u.service_id WHERE s.name LIKE N'//x/%';
SELECT * FROM sys.conversation_endpoints;
SELECT * FROM sys.conversation_groups;
SELECT * FROM sys.transmission_queue;
SELECT * FROM sys.conversation_priorities;
SELECT * FROM sys.remote_service_bindings;
GO
