-- IF / ELSE IF / ELSE, BEGIN...END blocks, NULL conditions take the ELSE branch.
CREATE DATABASE tie;
GO
USE tie;
GO
DECLARE @n INT = 5, @nul INT;
IF @n > 10
    PRINT 'big';
ELSE IF @n > 3
    PRINT 'medium';
ELSE
    PRINT 'small';
IF @nul = 1 PRINT 'null equals 1'; ELSE PRINT 'null comparison is not true';
IF NOT (@n = 5)
BEGIN
    PRINT 'not five';
END
ELSE
BEGIN
    PRINT 'five';
    PRINT 'still five';
END
IF @n IN (1, 5, 7) AND @nul IS NULL PRINT 'in list and null';
GO
