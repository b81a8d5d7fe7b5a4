-- CREATE/ALTER/DROP QUEUE: defaults, STATUS, RETENTION, POISON_MESSAGE_HANDLING.
CREATE DATABASE ddl_q;
GO
USE ddl_q;
GO
CREATE QUEUE q1;
CREATE QUEUE q2 WITH STATUS = OFF, RETENTION = ON, POISON_MESSAGE_HANDLING (STATUS = OFF);
CREATE QUEUE dbo.q3;
GO
SELECT name, type, type_desc, max_readers, activation_procedure, is_activation_enabled,
       is_receive_enabled, is_enqueue_enabled, is_retention_enabled, is_poison_message_handling_enabled
FROM sys.service_queues WHERE is_ms_shipped = 0 ORDER BY name;
GO
ALTER QUEUE q2 WITH STATUS = ON;
ALTER QUEUE q1 WITH RETENTION = ON;
GO
SELECT name, is_receive_enabled, is_retention_enabled FROM sys.service_queues WHERE name IN (N'q1', N'q2') ORDER BY name;
SELECT type FROM sys.objects WHERE name = N'q1';
GO
CREATE QUEUE q1;
GO
DROP QUEUE q3;
SELECT COUNT(*) AS user_queues FROM sys.service_queues WHERE is_ms_shipped = 0;
GO
