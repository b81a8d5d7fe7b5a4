-- RAISERROR: severity 10 is a message, 16 an error that ends the batch, argument substitution, message 50000.
CREATE DATABASE trai;
GO
USE trai;
GO
RAISERROR('just information', 10, 1);
RAISERROR('value %d and text %s', 10, 1, 42, N'abc');
RAISERROR('custom failure', 16, 2);
PRINT 'not reached';
GO
PRINT 'next batch runs';
BEGIN TRY
    RAISERROR('caught %s', 16, 1, 'here');
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number, ERROR_MESSAGE() AS message, ERROR_SEVERITY() AS severity;
END CATCH
GO
