-- DECLARE (lists, initializers), SET, SELECT @v =, variable scope across BEGIN/END, variables do not survive GO.
CREATE DATABASE tv;
GO
USE tv;
GO
DECLARE @a INT, @b NVARCHAR(20) = N'init', @c INT = 2 + 3;
SET @a = 10;
SELECT @b = @b + N'-more', @c = @c * 2;
SELECT @a AS a, @b AS b, @c AS c;
IF 1 = 1
BEGIN
    DECLARE @inner INT = 7;
END
SELECT @inner AS declared_in_block;
DECLARE @i INT = 0;
WHILE @i < 3
BEGIN
    DECLARE @x INT;
    SET @x = ISNULL(@x, 0) + 1;
    SET @i += 1;
END
SELECT @x AS not_reset_by_loop_declare;
DECLARE @s NVARCHAR(3) = N'truncated';
SELECT @s AS truncated_to_3;
GO
SELECT @a;
GO
DECLARE @a INT;
DECLARE @a INT;
GO
