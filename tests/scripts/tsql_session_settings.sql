-- SET IDENTITY_INSERT, SET CONTEXT_INFO / CONTEXT_INFO(), sp_set_session_context /
-- SESSION_CONTEXT(), CHECKPOINT and DBCC cache commands.
CREATE DATABASE SetDb;
GO
USE SetDb;
CREATE TABLE dbo.Seeded (Id INT IDENTITY(1, 1) PRIMARY KEY, Name NVARCHAR(10));
CREATE TABLE dbo.Other (Id INT IDENTITY(1, 1), x INT);
CREATE TABLE dbo.Plain (x INT);
INSERT INTO dbo.Seeded (Name) VALUES (N'auto');
INSERT INTO dbo.Seeded (Id, Name) VALUES (50, N'refused');
GO
SET IDENTITY_INSERT dbo.Seeded ON;
INSERT INTO dbo.Seeded (Id, Name) VALUES (50, N'explicit');
SET IDENTITY_INSERT dbo.Other ON;
GO
SET IDENTITY_INSERT dbo.Plain ON;
GO
SET IDENTITY_INSERT dbo.Seeded OFF;
INSERT INTO dbo.Seeded (Name) VALUES (N'after');
SELECT Id, Name FROM dbo.Seeded ORDER BY Id;
SELECT SCOPE_IDENTITY() AS last_id;
SET CONTEXT_INFO 0x0102;
SELECT CAST(SUBSTRING(CONTEXT_INFO(), 1, 2) AS VARBINARY(2)) AS ctx;
EXEC sp_set_session_context @key = N'tenant', @value = 42;
EXEC sp_set_session_context N'locked', N'v', 1;
SELECT SESSION_CONTEXT(N'tenant') AS tenant, SESSION_CONTEXT(N'locked') AS locked, SESSION_CONTEXT(N'none') AS none;
EXEC sp_set_session_context N'locked', N'w';
GO
CHECKPOINT;
DBCC FREEPROCCACHE;
DBCC DROPCLEANBUFFERS WITH NO_INFOMSGS;
DBCC CHECKDB (SetDb);
GO
