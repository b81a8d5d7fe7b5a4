-- Metadata that setup scripts test before they create or change things: OBJECTPROPERTY,
-- OBJECT_NAME of every module kind, sys.sql_modules, sys.triggers, sys.columns / TYPE_NAME;
-- DISABLE / ENABLE TRIGGER; ALTER AUTHORIZATION ON DATABASE; sp_configure + RECONFIGURE.
CREATE DATABASE MetaDb;
GO
USE MetaDb;
ALTER AUTHORIZATION ON DATABASE::MetaDb TO sa;
ALTER AUTHORIZATION ON DATABASE::MetaDb TO NoSuchLogin;
GO
EXEC sp_configure 'show advanced options', 1;
RECONFIGURE WITH OVERRIDE;
CREATE TABLE dbo.Jobs (Id INT IDENTITY(1, 1) NOT NULL, Name NVARCHAR(40) NOT NULL, Payload VARBINARY(MAX) NULL);
CREATE TABLE dbo.JobLog (Msg NVARCHAR(100));
CREATE QUEUE dbo.JobQueue;
GO
CREATE PROCEDURE dbo.StartJob @name NVARCHAR(40) AS INSERT INTO dbo.Jobs (Name) VALUES (@name);
GO
CREATE FUNCTION dbo.JobCount() RETURNS INT AS BEGIN RETURN (SELECT COUNT(*) FROM dbo.Jobs); END;
GO
CREATE VIEW dbo.JobNames AS SELECT Name FROM dbo.Jobs;
GO
CREATE TRIGGER dbo.trJobs ON dbo.Jobs AFTER INSERT AS
    INSERT INTO dbo.JobLog (Msg) SELECT N'job ' + Name FROM inserted;
GO
SELECT OBJECT_NAME(OBJECT_ID('dbo.StartJob')) AS p, OBJECT_NAME(OBJECT_ID('dbo.JobCount')) AS f,
       OBJECT_NAME(OBJECT_ID('dbo.JobNames')) AS v, OBJECT_NAME(OBJECT_ID('dbo.trJobs')) AS tr;
SELECT OBJECTPROPERTY(OBJECT_ID('dbo.StartJob'), 'IsProcedure') AS proc_is_proc,
       OBJECTPROPERTY(OBJECT_ID('dbo.Jobs'), 'IsUserTable') AS table_is_table,
       OBJECTPROPERTY(OBJECT_ID('dbo.Jobs'), 'IsProcedure') AS table_is_proc,
       OBJECTPROPERTY(OBJECT_ID('dbo.JobNames'), N'IsView') AS view_is_view,
       OBJECTPROPERTY(OBJECT_ID('dbo.JobCount'), 'IsScalarFunction') AS fn_is_scalar,
       OBJECTPROPERTY(OBJECT_ID('dbo.trJobs'), 'IsTrigger') AS tr_is_trigger,
       OBJECTPROPERTY(OBJECT_ID('dbo.JobQueue'), 'IsQueue') AS queue_is_queue,
       OBJECTPROPERTY(OBJECT_ID('dbo.Jobs'), 'SchemaId') AS schema_id,
       OBJECTPROPERTY(12345, 'IsProcedure') AS no_object;
-- The classic guard of generated scripts.
IF EXISTS (SELECT * FROM sys.objects WHERE object_id = OBJECT_ID(N'[dbo].[StartJob]')
           AND OBJECTPROPERTY(object_id, N'IsProcedure') = 1)
    PRINT 'StartJob exists';
SELECT OBJECT_NAME(object_id) AS module, CASE WHEN definition LIKE '%INSERT INTO dbo.Jobs%'
       THEN 1 ELSE 0 END AS inserts_jobs
FROM sys.sql_modules ORDER BY object_id;
SELECT c.name, TYPE_NAME(c.system_type_id) AS type_name, c.max_length, c.is_nullable, c.is_identity
FROM sys.columns AS c WHERE c.object_id = OBJECT_ID('dbo.Jobs') ORDER BY c.column_id;
-- Triggers: sys.triggers and switching them off and on.
SELECT name, OBJECT_NAME(parent_id) AS parent, type_desc, is_disabled FROM sys.triggers;
DISABLE TRIGGER dbo.trJobs ON dbo.Jobs;
EXEC dbo.StartJob N'silent';
SELECT name, is_disabled FROM sys.triggers;
ENABLE TRIGGER ALL ON dbo.Jobs;
EXEC dbo.StartJob N'logged';
SELECT Msg FROM dbo.JobLog;
SELECT dbo.JobCount() AS jobs;
DISABLE TRIGGER NoSuchTrigger ON DATABASE;
GO
-- sp_helptext shows a module's definition; sp_addlogin / sp_adduser make a login and its user.
EXEC sp_helptext 'dbo.StartJob';
EXEC sp_helptext 'dbo.NoSuchProc';
GO
EXEC sp_addlogin 'legacy_login', 'Legacy-pw-1';
EXEC sp_adduser 'legacy_login', 'legacy_user';
SELECT name FROM sys.server_principals WHERE name = 'legacy_login';
SELECT name FROM sys.database_principals WHERE name = 'legacy_user';
EXEC sp_adduser 'no_such_login';
GO
