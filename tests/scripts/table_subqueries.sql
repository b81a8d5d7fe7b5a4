-- EXISTS / NOT EXISTS, IN / NOT IN subqueries, scalar subqueries in SELECT and SET, correlated subquery.
CREATE DATABASE tsq;
GO
USE tsq;
GO
CREATE TABLE dbo.a (id INT);
CREATE TABLE dbo.b (a_id INT, tag NVARCHAR(5));
INSERT INTO dbo.a VALUES (1), (2), (3);
INSERT INTO dbo.b VALUES (1, N'x'), (1, N'y'), (3, N'z');
SELECT id FROM dbo.a WHERE EXISTS (SELECT * FROM dbo.b WHERE b.a_id = a.id) ORDER BY id;
SELECT id FROM dbo.a WHERE NOT EXISTS (SELECT 1 FROM dbo.b WHERE b.a_id = a.id);
SELECT id FROM dbo.a WHERE id IN (SELECT a_id FROM dbo.b) ORDER BY id;
SELECT id FROM dbo.a WHERE id NOT IN (SELECT a_id FROM dbo.b);
SELECT id, (SELECT COUNT(*) FROM dbo.b WHERE b.a_id = a.id) AS tags FROM dbo.a ORDER BY id;
DECLARE @max INT;
SET @max = (SELECT MAX(id) FROM dbo.a);
SELECT @max AS max_id, (SELECT TOP (1) tag FROM dbo.b ORDER BY tag DESC) AS last_tag;
IF EXISTS (SELECT * FROM dbo.b WHERE tag = N'y') PRINT 'y exists';
GO
-- a scalar subquery returning more than one row: 512
SELECT (SELECT a_id FROM dbo.b) AS too_many;
GO
