-- F-Q-01: CREATE QUEUE defaults and its sys.objects row.
-- F-Q-11: MAX_QUEUE_READERS range (40000 fails; 0 and 32767 accepted).
CREATE DATABASE qd;
GO
USE qd;
GO
CREATE QUEUE q;
GO
SELECT is_receive_enabled, is_enqueue_enabled, is_retention_enabled, is_activation_enabled,
       is_poison_message_handling_enabled, max_readers, activation_procedure, type, type_desc
FROM sys.service_queues WHERE name = N'q';
SELECT type, type_desc, SCHEMA_NAME(schema_id) AS schema_name FROM sys.objects WHERE name = N'q';
GO
CREATE PROCEDURE p AS RETURN 0;
GO
CREATE QUEUE q40000 WITH ACTIVATION (PROCEDURE_NAME = p, MAX_QUEUE_READERS = 40000, EXECUTE AS OWNER);
GO
CREATE QUEUE q0 WITH ACTIVATION (STATUS = OFF, PROCEDURE_NAME = p, MAX_QUEUE_READERS = 0, EXECUTE AS OWNER);
CREATE QUEUE q32767 WITH ACTIVATION (STATUS = OFF, PROCEDURE_NAME = p, MAX_QUEUE_READERS = 32767, EXECUTE AS OWNER);
GO
ALTER QUEUE q WITH ACTIVATION (PROCEDURE_NAME = p, MAX_QUEUE_READERS = 40000, EXECUTE AS OWNER);
GO
SELECT name, max_readers FROM sys.service_queues WHERE is_ms_shipped = 0 ORDER BY name;
GO
