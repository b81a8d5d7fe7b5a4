-- UPDATE with expressions and WHERE, DELETE with WHERE, @@ROWCOUNT after each.
CREATE DATABASE tud;
GO
USE tud;
GO
CREATE TABLE dbo.acct (id INT PRIMARY KEY, owner NVARCHAR(20), balance INT);
INSERT INTO dbo.acct VALUES (1, N'ann', 100), (2, N'bob', 50), (3, N'cy', 0);
UPDATE dbo.acct SET balance = balance + 10 WHERE balance > 0;
SELECT @@ROWCOUNT AS updated;
UPDATE dbo.acct SET owner = UPPER(owner), balance = balance * 2 WHERE id = 1;
DELETE FROM dbo.acct WHERE balance = 0;
SELECT @@ROWCOUNT AS deleted;
DELETE dbo.acct WHERE id = 42;
SELECT @@ROWCOUNT AS deleted_none;
SELECT id, owner, balance FROM dbo.acct ORDER BY id;
GO
