-- Errors inside procedures: caught by the caller's TRY/CATCH with ERROR_PROCEDURE; uncaught error ends the calling batch.
CREATE DATABASE tperr;
GO
USE tperr;
GO
CREATE PROCEDURE dbo.fail @n INT
AS
    IF @n = 1
        RAISERROR('failing with %d', 16, 1, @n);
    SELECT @n AS n;
GO
BEGIN TRY
    EXEC dbo.fail 1;
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number, ERROR_MESSAGE() AS message, ERROR_PROCEDURE() AS proc_name;
END CATCH
EXEC dbo.fail 2;
GO
EXEC dbo.fail 1;
PRINT 'not reached';
GO
