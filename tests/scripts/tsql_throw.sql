-- THROW with arguments, re-THROW inside CATCH, THROW outside CATCH without arguments (10704).
CREATE DATABASE tthr;
GO
USE tthr;
GO
BEGIN TRY
    THROW 50001, N'first throw', 5;
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number, ERROR_MESSAGE() AS message, ERROR_SEVERITY() AS severity, ERROR_STATE() AS state;
END CATCH
GO
BEGIN TRY
    SELECT CAST('abc' AS INT);
END TRY
BEGIN CATCH
    PRINT 'rethrowing';
    THROW;
END CATCH
GO
THROW 50002, N'uncaught throw', 1;
GO
THROW;
GO
