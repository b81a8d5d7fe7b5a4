-- CREATE TABLE, INSERT VALUES (multi-row), INSERT SELECT, SELECT with WHERE/ORDER BY, DROP TABLE.
CREATE DATABASE tcis;
GO
USE tcis;
GO
CREATE TABLE dbo.items (id INT NOT NULL PRIMARY KEY, name NVARCHAR(50) NOT NULL, price DECIMAL(10, 2) NULL, added DATETIME NULL);
INSERT INTO dbo.items (id, name, price) VALUES (1, N'apple', 1.50), (2, N'pear', 2.25), (3, N'plum', NULL);
SELECT @@ROWCOUNT AS inserted;
CREATE TABLE dbo.copy (id INT, name NVARCHAR(50));
INSERT INTO dbo.copy (id, name) SELECT id, name FROM dbo.items WHERE price IS NOT NULL;
SELECT id, name FROM dbo.copy ORDER BY id DESC;
SELECT * FROM dbo.items WHERE price > 2 OR price IS NULL ORDER BY name;
DROP TABLE dbo.copy;
GO
SELECT * FROM dbo.copy;
GO
