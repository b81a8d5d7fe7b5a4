-- F-Q-04: activation settings are stored: 3-part bracketed procedure name, max_readers,
-- is_activation_enabled, execute_as_principal_id = caller (SELF) / -2 (OWNER) / u's id.
-- F-Q-06: partial ALTER of activation; ACTIVATION (DROP) clears the procedure.
CREATE DATABASE qa;
GO
USE qa;
GO
CREATE USER u WITHOUT LOGIN;
GO
CREATE PROCEDURE dbo.p AS RETURN 0;
GO
CREATE QUEUE q_self WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = p, MAX_QUEUE_READERS = 3, EXECUTE AS SELF);
CREATE QUEUE q_owner WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = dbo.p, MAX_QUEUE_READERS = 2, EXECUTE AS OWNER);
CREATE QUEUE q_user WITH ACTIVATION (STATUS = OFF, PROCEDURE_NAME = qa.dbo.p, MAX_QUEUE_READERS = 1, EXECUTE AS 'u');
GO
SELECT q.name, q.activation_procedure, q.max_readers, q.is_activation_enabled,
       CASE WHEN q.execute_as_principal_id = USER_ID() THEN 'caller'
            WHEN q.execute_as_principal_id = -2 THEN 'owner'
            WHEN q.execute_as_principal_id = USER_ID('u') THEN 'u'
            ELSE 'other' END AS execute_as
FROM sys.service_queues AS q WHERE q.is_ms_shipped = 0 ORDER BY q.name;
GO
-- F-Q-06
ALTER QUEUE q_owner WITH ACTIVATION (MAX_QUEUE_READERS = 7);
SELECT name, activation_procedure, max_readers, is_activation_enabled, execute_as_principal_id
FROM sys.service_queues WHERE name = N'q_owner';
ALTER QUEUE q_owner WITH ACTIVATION (DROP);
SELECT name, activation_procedure, is_activation_enabled FROM sys.service_queues WHERE name = N'q_owner';
GO
