-- Dynamic SQL: EXEC(@sql), EXEC('literal'), sp_executesql with parameters and OUTPUT, USE inside dynamic SQL.
CREATE DATABASE tdyn;
GO
USE tdyn;
GO
CREATE TABLE dbo.t (id INT);
INSERT INTO dbo.t VALUES (1), (2), (3);
DECLARE @sql NVARCHAR(MAX) = N'SELECT COUNT(*) AS n FROM dbo.t';
EXEC (@sql);
EXEC ('SELECT ''literal'' AS s');
DECLARE @cnt INT;
EXEC sp_executesql N'SELECT @c = COUNT(*) FROM dbo.t WHERE id > @min', N'@min INT, @c INT OUTPUT', @min = 1, @c = @cnt OUTPUT;
SELECT @cnt AS greater_than_1;
EXEC sp_executesql N'SELECT @p AS param', N'@p NVARCHAR(10)', N'hello';
-- USE in dynamic SQL changes the database only for that dynamic batch
EXEC (N'USE master; SELECT DB_NAME() AS inside');
SELECT DB_NAME() AS after_dynamic;
-- variables of the caller are not visible in dynamic SQL
EXEC (N'SELECT @cnt');
GO
