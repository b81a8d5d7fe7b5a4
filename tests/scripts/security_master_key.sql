-- Database master key: CREATE / OPEN / CLOSE / ALTER / DROP, sys.symmetric_keys and
-- sys.key_encryptions, and the errors of each statement (F-SEC-02 DDL part).
CREATE DATABASE MkDb;
GO
USE MkDb;
GO
-- No master key yet: a certificate with a private key cannot be protected (15581).
SELECT COUNT(*) AS keys_before FROM sys.symmetric_keys;
CREATE CERTIFICATE NeedsKey WITH SUBJECT = 'needs a master key';
GO
OPEN MASTER KEY DECRYPTION BY PASSWORD = 'nothing to open';
GO
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Pa$$w0rd-1';
GO
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'another';
GO
SELECT name, principal_id, symmetric_key_id, key_length, key_algorithm, algorithm_desc
FROM sys.symmetric_keys;
SELECT crypt_type, crypt_type_desc FROM sys.key_encryptions ORDER BY crypt_type;
-- Wrong password, right password, close.
OPEN MASTER KEY DECRYPTION BY PASSWORD = 'wrong';
GO
OPEN MASTER KEY DECRYPTION BY PASSWORD = 'Pa$$w0rd-1';
CLOSE MASTER KEY;
-- A second password; dropping one of two works, dropping the last one is refused.
ALTER MASTER KEY ADD ENCRYPTION BY PASSWORD = 'second-pw';
GO
ALTER MASTER KEY ADD ENCRYPTION BY PASSWORD = 'second-pw';
GO
SELECT COUNT(*) AS password_encryptions FROM sys.key_encryptions WHERE crypt_type = 'ESKP';
ALTER MASTER KEY DROP ENCRYPTION BY PASSWORD = 'Pa$$w0rd-1';
OPEN MASTER KEY DECRYPTION BY PASSWORD = 'Pa$$w0rd-1';
GO
OPEN MASTER KEY DECRYPTION BY PASSWORD = 'second-pw';
CLOSE MASTER KEY;
ALTER MASTER KEY DROP ENCRYPTION BY PASSWORD = 'second-pw';
GO
-- Without the service master key encryption the key must be opened explicitly.
ALTER MASTER KEY DROP ENCRYPTION BY SERVICE MASTER KEY;
CREATE CERTIFICATE NotOpened WITH SUBJECT = 'master key not open';
GO
OPEN MASTER KEY DECRYPTION BY PASSWORD = 'second-pw';
CREATE CERTIFICATE Opened WITH SUBJECT = 'master key open';
ALTER MASTER KEY ADD ENCRYPTION BY SERVICE MASTER KEY;
CLOSE MASTER KEY;
CREATE CERTIFICATE AfterSmk WITH SUBJECT = 'service master key again';
SELECT name, pvt_key_encryption_type FROM sys.certificates ORDER BY name;
-- Regenerating keeps every certificate usable.
ALTER MASTER KEY REGENERATE WITH ENCRYPTION BY PASSWORD = 'regenerated-pw';
CREATE PROCEDURE SignedAfterRegenerate AS SELECT 1 AS one;
GO
ADD SIGNATURE TO SignedAfterRegenerate BY CERTIFICATE Opened;
OPEN MASTER KEY DECRYPTION BY PASSWORD = 'second-pw';
GO
OPEN MASTER KEY DECRYPTION BY PASSWORD = 'regenerated-pw';
CLOSE MASTER KEY;
-- The key protects certificates: DROP is refused until they go.
DROP MASTER KEY;
GO
DROP CERTIFICATE AfterSmk;
GO
DROP PROCEDURE SignedAfterRegenerate;
DROP CERTIFICATE Opened;
GO
DROP MASTER KEY;
SELECT COUNT(*) AS keys_after FROM sys.symmetric_keys;
DROP MASTER KEY;
GO
