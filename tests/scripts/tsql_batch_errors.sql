-- Error-per-batch semantics: an uncaught error ends its batch, the next batch runs, the exit code is 1.
CREATE DATABASE tbe;
GO
USE tbe;
GO
PRINT 'batch 1 before the error';
SELECT 1 / 0;
PRINT 'batch 1 after the error (not printed)';
GO
PRINT 'batch 2 runs';
SELECT @@ERROR AS error_is_reset_by_print;
GO
DECLARE @x INT = CAST('x' AS INT);
GO
SELECT * FROM dbo.missing_table;
GO
EXEC dbo.missing_procedure;
GO
PRINT 'batch 6 runs';
GO
