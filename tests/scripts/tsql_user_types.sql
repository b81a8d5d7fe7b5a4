-- CREATE TYPE: alias types and table types; table-valued parameters (READONLY) passed to
-- procedures, the batch-of-messages pattern; DROP TYPE.
CREATE DATABASE TypeDb;
GO
USE TypeDb;
CREATE TYPE dbo.Handle FROM UNIQUEIDENTIFIER NOT NULL;
CREATE TYPE dbo.MessageBatch AS TABLE (Seq INT NOT NULL PRIMARY KEY, Body NVARCHAR(100) NULL);
CREATE TABLE dbo.Log (Seq INT, Body NVARCHAR(100));
GO
CREATE PROCEDURE dbo.SaveBatch @batch dbo.MessageBatch READONLY, @tag NVARCHAR(10)
AS
    INSERT INTO dbo.Log (Seq, Body) SELECT Seq, @tag + N':' + Body FROM @batch;
    SELECT COUNT(*) AS saved FROM @batch;
GO
CREATE PROCEDURE dbo.TouchBatch @batch dbo.MessageBatch READONLY
AS
    DELETE FROM @batch;
GO
DECLARE @b dbo.MessageBatch;
INSERT INTO @b VALUES (1, N'first'), (2, N'second');
EXEC dbo.SaveBatch @batch = @b, @tag = N'x';
EXEC dbo.SaveBatch @b, N'y';
SELECT Seq, Body FROM dbo.Log ORDER BY Body;
-- A READONLY parameter cannot be changed (10700).
BEGIN TRY
    EXEC dbo.TouchBatch @b;
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS error_number, ERROR_MESSAGE() AS message;
END CATCH;
SELECT COUNT(*) AS still_there FROM @b;
-- The primary key of the table type holds in the variable.
INSERT INTO @b VALUES (1, N'again');
GO
DECLARE @h dbo.Handle = NEWID();
SELECT CASE WHEN @h IS NOT NULL THEN 1 ELSE 0 END AS has_handle;
CREATE TYPE dbo.MessageBatch AS TABLE (x INT);
GO
CREATE TYPE dbo.Int FROM BIGINT;
GO
DROP TYPE dbo.Handle;
DROP TYPE dbo.Handle;
GO
DROP TYPE IF EXISTS dbo.Handle;
DECLARE @gone dbo.Handle;
GO
