-- GROUP BY, COUNT/SUM/MIN/MAX/AVG, HAVING, COUNT(DISTINCT), aggregates over an empty set.
CREATE DATABASE tag;
GO
USE tag;
GO
CREATE TABLE dbo.sales (region NVARCHAR(10), amount INT);
INSERT INTO dbo.sales VALUES (N'north', 10), (N'north', 20), (N'south', 5), (N'south', 5), (N'west', 0);
SELECT region, COUNT(*) AS n, COUNT(amount) AS n_amount, SUM(amount) AS total, MIN(amount) AS lo, MAX(amount) AS hi
FROM dbo.sales GROUP BY region ORDER BY region;
SELECT region, SUM(amount) AS total FROM dbo.sales GROUP BY region HAVING SUM(amount) > 10;
SELECT COUNT(DISTINCT amount) AS distinct_amounts, AVG(amount) AS avg_amount FROM dbo.sales;
SELECT COUNT(*) AS n, SUM(amount) AS total, MAX(amount) AS hi FROM dbo.sales WHERE region = N'east';
GO
