-- GO n repeats the batch n times; variables do not survive GO; go is case-insensitive.
CREATE DATABASE tgc;
GO
USE tgc;
CREATE TABLE dbo.counter (n INT);
go
INSERT INTO dbo.counter VALUES (1);
GO 3
SELECT COUNT(*) AS inserted_three_times FROM dbo.counter;
GO
PRINT 'repeated';
GO 2
