-- WHILE with BREAK and CONTINUE.
CREATE DATABASE tw;
GO
USE tw;
GO
DECLARE @i INT = 0, @sum INT = 0;
WHILE (1 = 1)
BEGIN
    SET @i = @i + 1;
    IF @i % 2 = 0 CONTINUE;
    IF @i > 9 BREAK;
    SET @sum = @sum + @i;
END
SELECT @i AS i, @sum AS sum_of_odds;
DECLARE @j INT = 3;
WHILE @j > 0
    SET @j -= 1;
SELECT @j AS j;
GO
