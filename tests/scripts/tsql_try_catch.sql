-- TRY/CATCH with ERROR_NUMBER/MESSAGE/SEVERITY/STATE/LINE/PROCEDURE; nested TRY; ERROR_* NULL outside CATCH.
CREATE DATABASE ttc;
GO
USE ttc;
GO
BEGIN TRY
    SELECT 1 / 0 AS never;
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number, ERROR_MESSAGE() AS message, ERROR_SEVERITY() AS severity,
           ERROR_STATE() AS state, ERROR_LINE() AS line, ERROR_PROCEDURE() AS proc_name;
END CATCH
SELECT ERROR_NUMBER() AS outside_catch;
BEGIN TRY
    BEGIN TRY
        RAISERROR('inner failure', 16, 3);
    END TRY
    BEGIN CATCH
        SELECT ERROR_MESSAGE() AS inner_caught, ERROR_STATE() AS inner_state;
        RAISERROR('rethrown from inner catch', 16, 1);
    END CATCH
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS outer_number, ERROR_MESSAGE() AS outer_message;
END CATCH
PRINT 'batch continues';
GO
