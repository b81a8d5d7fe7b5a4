-- Syntax errors: 102 / 156 with the line inside the batch; the batch does not run at all; the next batch does.
CREATE DATABASE tse;
GO
USE tse;
GO
PRINT 'this batch has a syntax error and prints nothing';
SELECT 1 +;
GO
PRINT 'line numbers are relative to the batch';

SELECT * FROM WHERE x = 1;
GO
PRINT 'first statement ok';
SELECT (1;
GO
SELECT 1 AS a FROM (SELECT 2 AS b;
GO
PRINT 'last batch runs';
GO
