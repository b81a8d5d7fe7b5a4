-- CREATE PROCEDURE with parameters and defaults, EXEC positional/named, OUTPUT parameters, RETURN values, DROP PROCEDURE.
CREATE DATABASE tproc;
GO
USE tproc;
GO
CREATE PROCEDURE dbo.add_numbers @a INT, @b INT = 10, @sum INT OUTPUT
AS
BEGIN
    SET @sum = @a + @b;
    IF @sum > 100 RETURN 1;
    RETURN 0;
END
GO
DECLARE @s INT, @rc INT;
EXEC dbo.add_numbers 1, 2, @s OUTPUT;
SELECT @s AS positional;
EXEC @rc = dbo.add_numbers @a = 5, @sum = @s OUTPUT;
SELECT @s AS with_default, @rc AS return_code;
EXECUTE @rc = add_numbers @b = 100, @a = 1, @sum = @s OUT;
SELECT @s AS named, @rc AS return_code;
EXEC dbo.add_numbers 1, 2, @s;
SELECT @s AS without_output_keyword_unchanged;
GO
CREATE PROCEDURE dbo.list_rows AS SELECT 1 AS a UNION ALL SELECT 2;
GO
EXEC dbo.list_rows;
DROP PROCEDURE dbo.list_rows;
GO
EXEC dbo.list_rows;
GO
EXEC dbo.add_numbers;
GO
