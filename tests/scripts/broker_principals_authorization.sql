CREATE DATABASE pr;
GO
USE pr;
GO
CREATE USER u1 WITHOUT LOGIN;
CREATE ROLE r1;
ALTER ROLE r1 ADD MEMBER u1;
CREATE MESSAGE TYPE mt AUTHORIZATION u1;
CREATE CONTRACT c1 AUTHORIZATION u1 (mt SENT BY ANY);
CREATE QUEUE q1 WITH ACTIVATION (STATUS = OFF, PROCEDURE_NAME = p, MAX_QUEUE_READERS = 2, EXECUTE AS 'u1');
CREATE QUEUE q2 WITH ACTIVATION (STATUS = OFF, PROCEDURE_NAME = p, MAX_QUEUE_READERS = 2, EXECUTE AS OWNER);
CREATE SERVICE s1 AUTHORIZATION u1 ON QUEUE q1 (c1);
GO
SELECT p.name, p.type, p.type_desc FROM sys.database_principals p WHERE p.principal_id > 4 AND p.principal_id < 16384;
SELECT m.name, m.principal_id, USER_NAME() AS me FROM sys.service_message_types m WHERE m.message_type_id >= 65536;
SELECT name, execute_as_principal_id, activation_procedure, max_readers, is_activation_enabled FROM sys.service_queues WHERE is_ms_shipped = 0 ORDER BY name;
ALTER AUTHORIZATION ON CONTRACT::c1 TO dbo;
SELECT name, principal_id FROM sys.service_contracts WHERE name = 'c1';
CREATE QUEUE q3 WITH ACTIVATION (PROCEDURE_NAME = p, MAX_QUEUE_READERS = 1, EXECUTE AS 'nobody');
GO
DROP USER u1;
GO
