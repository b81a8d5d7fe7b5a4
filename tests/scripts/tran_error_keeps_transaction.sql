-- An error ends the batch but the open transaction survives (XACT_ABORT OFF); the next batch sees @@TRANCOUNT 1.
CREATE DATABASE tekt;
GO
USE tekt;
GO
CREATE TABLE dbo.t (id INT PRIMARY KEY);
GO
BEGIN TRAN;
INSERT INTO dbo.t VALUES (1);
INSERT INTO dbo.t VALUES (1);
PRINT 'not reached';
GO
SELECT @@TRANCOUNT AS trancount, XACT_STATE() AS xact_state;
SELECT COUNT(*) AS rows_in_tran FROM dbo.t;
ROLLBACK;
SELECT COUNT(*) AS rows_after_rollback FROM dbo.t;
GO
SET XACT_ABORT ON;
BEGIN TRAN;
INSERT INTO dbo.t VALUES (5);
INSERT INTO dbo.t VALUES (5);
GO
SELECT @@TRANCOUNT AS trancount_xact_abort, COUNT(*) AS rows_xact_abort FROM dbo.t;
GO
