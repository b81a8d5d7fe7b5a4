CREATE DATABASE qn2;
GO
USE qn2;
GO
CREATE SCHEMA app;
GO
USE master;
CREATE QUEUE qn2.app.q;
GO
USE qn2;
SELECT q.name, s.name AS schema_name FROM sys.service_queues q JOIN sys.schemas s ON s.schema_id = q.schema_id WHERE q.is_ms_shipped = 0;
SELECT name FROM sys.service_queues WHERE is_ms_shipped = 0;
RECEIVE * FROM app.q;
GO
