-- Table-valued user functions in FROM: inline (RETURNS TABLE AS RETURN query) and
-- multi-statement (RETURNS @t TABLE (...) AS BEGIN ... RETURN END), with CROSS APPLY.
CREATE TABLE orders (id INT, customer NVARCHAR(20), amount INT);
INSERT orders VALUES (1, N'ann', 10), (2, N'bo', 25), (3, N'ann', 5);
GO
CREATE FUNCTION dbo.OrdersOf (@customer NVARCHAR(20))
RETURNS TABLE
AS RETURN SELECT id, amount FROM orders WHERE customer = @customer;
GO
CREATE FUNCTION dbo.BigOrders (@min INT) RETURNS TABLE AS RETURN (SELECT id FROM orders WHERE amount >= @min);
GO
CREATE FUNCTION dbo.SplitList (@list NVARCHAR(200))
RETURNS @items TABLE (pos INT, item NVARCHAR(50))
AS
BEGIN
    DECLARE @pos INT = 1, @i INT;
    WHILE LEN(@list) > 0
    BEGIN
        SET @i = CHARINDEX(N',', @list);
        IF @i = 0 SET @i = LEN(@list) + 1;
        INSERT @items VALUES (@pos, LTRIM(RTRIM(SUBSTRING(@list, 1, @i - 1))));
        SET @list = SUBSTRING(@list, @i + 1, 200);
        SET @pos += 1;
    END
    RETURN;
END
GO
SELECT id, amount FROM dbo.OrdersOf(N'ann') ORDER BY id;
SELECT COUNT(*) AS big FROM dbo.BigOrders(10);
SELECT s.pos, s.item FROM dbo.SplitList(N'red, green,blue') AS s ORDER BY s.pos;
GO
-- CROSS APPLY a function per row
SELECT c.customer, o.id
FROM (SELECT DISTINCT customer FROM orders) AS c
CROSS APPLY dbo.OrdersOf(c.customer) AS o
ORDER BY c.customer, o.id;
GO
-- a TVF cannot change tables; an unknown one is an invalid object
CREATE FUNCTION dbo.Bad () RETURNS @t TABLE (x INT) AS BEGIN DELETE FROM orders; RETURN; END
GO
SELECT * FROM dbo.NoSuchFunction(1);
GO
DROP FUNCTION dbo.SplitList;
GO
SELECT * FROM dbo.SplitList(N'a');
GO
-- functions are objects: sys.objects types FN / IF / TF, OBJECT_ID finds them
CREATE FUNCTION dbo.Twice (@x INT) RETURNS INT AS BEGIN RETURN @x * 2; END
GO
CREATE FUNCTION dbo.Multi () RETURNS @t TABLE (x INT) AS BEGIN INSERT @t VALUES (1); RETURN; END
GO
SELECT name, type, type_desc FROM sys.objects WHERE name IN ('Twice', 'OrdersOf', 'Multi') ORDER BY name;
IF OBJECT_ID('dbo.Multi') IS NOT NULL DROP FUNCTION dbo.Multi;
SELECT COUNT(*) AS multi_left FROM sys.objects WHERE name = 'Multi';
GO
