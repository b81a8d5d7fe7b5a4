-- #temp tables: create, use, roll back with the transaction, drop.
CREATE DATABASE ttmp;
GO
USE ttmp;
GO
CREATE TABLE #work (id INT, note NVARCHAR(10));
INSERT INTO #work VALUES (1, N'kept');
BEGIN TRAN;
INSERT INTO #work VALUES (2, N'undone');
ROLLBACK;
SELECT id, note FROM #work;
DROP TABLE #work;
GO
SELECT * FROM #work;
GO
