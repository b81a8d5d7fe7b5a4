-- What drivers and ORMs ask a server when they connect: SERVERPROPERTY's version numbers
-- (parsed as numbers), @@ settings, and the caller's own row of sys.dm_exec_sessions.
SELECT CAST(SERVERPROPERTY('ProductVersion') AS varchar(20)) AS product_version,
       SERVERPROPERTY('ProductMajorVersion') AS major,
       SERVERPROPERTY('EngineEdition') AS engine_edition,
       SERVERPROPERTY('ProductLevel') AS level,
       @@TEXTSIZE AS text_size, @@LOCK_TIMEOUT AS lock_timeout, @@MAX_PRECISION AS max_precision;
GO
SET TEXTSIZE 2147483647; SET LOCK_TIMEOUT -1; SET DATEFORMAT mdy;
SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET IMPLICIT_TRANSACTIONS OFF;
GO
CREATE DATABASE introspect;
GO
USE introspect;
BEGIN TRANSACTION;
SELECT status, open_transaction_count, DB_NAME(database_id) AS db, transaction_isolation_level,
       is_user_process, login_name
FROM sys.dm_exec_sessions WHERE session_id = @@SPID;
COMMIT;
SELECT COUNT(*) AS me FROM sys.dm_exec_sessions WHERE session_id = @@SPID AND status = 'running';
GO
