CREATE DATABASE al;
GO
USE al;
GO
DECLARE @r INT;
BEGIN TRAN;
EXEC @r = sp_getapplock @Resource = 'job-42', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 0;
SELECT @r AS got;
EXEC @r = sp_releaseapplock @Resource = 'job-42';
SELECT @r AS released;
EXEC @r = sp_releaseapplock @Resource = 'job-42';
SELECT @r AS again;
COMMIT;
CREATE USER u WITHOUT LOGIN; CREATE ROLE rr;
EXEC sp_addrolemember 'rr', 'u';
GO
