-- INNER JOIN and LEFT OUTER JOIN.
CREATE DATABASE tj;
GO
USE tj;
GO
CREATE TABLE dbo.customers (id INT PRIMARY KEY, name NVARCHAR(20));
CREATE TABLE dbo.orders (id INT PRIMARY KEY, customer_id INT, amount INT);
INSERT INTO dbo.customers VALUES (1, N'ann'), (2, N'bob'), (3, N'cy');
INSERT INTO dbo.orders VALUES (10, 1, 5), (11, 1, 7), (12, 2, 3);
SELECT c.name, o.id AS order_id, o.amount
FROM dbo.customers AS c INNER JOIN dbo.orders AS o ON o.customer_id = c.id
ORDER BY o.id;
SELECT c.name, o.id AS order_id
FROM dbo.customers c LEFT OUTER JOIN dbo.orders o ON o.customer_id = c.id
ORDER BY c.name, o.id;
SELECT c.name FROM dbo.customers c LEFT JOIN dbo.orders o ON o.customer_id = c.id WHERE o.id IS NULL;
GO
