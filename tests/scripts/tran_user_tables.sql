-- User tables commit and roll back together with the transaction.
CREATE DATABASE tut;
GO
USE tut;
GO
CREATE TABLE dbo.t (id INT PRIMARY KEY, v NVARCHAR(10));
INSERT INTO dbo.t VALUES (1, N'one');
BEGIN TRAN;
INSERT INTO dbo.t VALUES (2, N'two');
UPDATE dbo.t SET v = N'uno' WHERE id = 1;
SELECT id, v FROM dbo.t ORDER BY id;
ROLLBACK;
SELECT id, v FROM dbo.t ORDER BY id;
BEGIN TRAN;
DELETE FROM dbo.t;
COMMIT;
SELECT COUNT(*) AS rows_left FROM dbo.t;
GO
