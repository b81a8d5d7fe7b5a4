-- PRINT of strings, numbers, NULL and concatenations.
CREATE DATABASE tpr;
GO
USE tpr;
GO
PRINT 'hello';
PRINT N'unicode ü';
PRINT 42;
DECLARE @n NVARCHAR(10);
PRINT @n;
PRINT 'value: ' + CAST(7 AS VARCHAR(10));
PRINT 'it''s quoted';
GO
