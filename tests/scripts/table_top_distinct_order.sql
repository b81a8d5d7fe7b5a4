-- TOP, TOP with a variable, DISTINCT, ORDER BY several columns and by position.
CREATE DATABASE ttdo;
GO
USE ttdo;
GO
CREATE TABLE dbo.n (grp INT, v INT);
INSERT INTO dbo.n VALUES (1, 3), (1, 1), (2, 2), (2, 2), (3, 9);
SELECT TOP (2) grp, v FROM dbo.n ORDER BY v DESC;
DECLARE @k INT = 3;
SELECT TOP (@k) v FROM dbo.n ORDER BY v;
SELECT DISTINCT grp FROM dbo.n ORDER BY grp;
SELECT DISTINCT grp, v FROM dbo.n ORDER BY grp ASC, v DESC;
SELECT grp, v FROM dbo.n ORDER BY 2, 1;
GO
