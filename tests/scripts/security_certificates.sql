-- Certificates: CREATE (WITH SUBJECT / FROM FILE), ALTER, BACKUP, DROP, CERT_ID,
-- sys.certificates, module signatures (ADD / DROP SIGNATURE, sys.crypt_properties) (F-CAT-08).
CREATE DATABASE CertA;
CREATE DATABASE CertB;
GO
USE CertA;
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'CertA-key-1';
CREATE USER ServiceOwner WITHOUT LOGIN;
CREATE CERTIFICATE OwnerCert AUTHORIZATION ServiceOwner
    WITH SUBJECT = 'Certificate of the service owner',
    START_DATE = '01/01/2020', EXPIRY_DATE = '12/31/2099';
CREATE CERTIFICATE PasswordCert ENCRYPTION BY PASSWORD = 'cert-pw'
    WITH SUBJECT = 'Password protected' ACTIVE FOR BEGIN_DIALOG = OFF;
-- Defaults: starts now, expires one year later, active for BEGIN DIALOG.
CREATE CERTIFICATE DefaultDates WITH SUBJECT = 'Default dates';
SELECT name, USER_NAME(principal_id) AS owner, pvt_key_encryption_type AS pk,
       pvt_key_encryption_type_desc AS pk_desc, is_active_for_begin_dialog AS active,
       subject, issuer_name, key_length, DATALENGTH(thumbprint) AS thumbprint_bytes,
       pvt_key_last_backup_date
FROM sys.certificates ORDER BY certificate_id;
SELECT name, start_date, expiry_date FROM sys.certificates WHERE name = 'OwnerCert';
SELECT DATEDIFF(day, start_date, expiry_date) AS default_days FROM sys.certificates
WHERE name = 'DefaultDates';
SELECT CERT_ID('OwnerCert') AS owner_cert_id, CERT_ID('nope') AS missing;
-- Errors: duplicate name, unknown owner, empty subject, unknown certificate.
CREATE CERTIFICATE OwnerCert WITH SUBJECT = 'again';
GO
CREATE CERTIFICATE Orphan AUTHORIZATION NoSuchUser WITH SUBJECT = 'x';
GO
CREATE CERTIFICATE Empty WITH SUBJECT = '';
GO
ALTER CERTIFICATE NoSuchCert WITH ACTIVE FOR BEGIN_DIALOG = OFF;
GO
-- ALTER: activity flag, private key protection.
ALTER CERTIFICATE OwnerCert WITH ACTIVE FOR BEGIN_DIALOG = OFF;
ALTER CERTIFICATE PasswordCert WITH PRIVATE KEY (DECRYPTION BY PASSWORD = 'wrong');
GO
ALTER CERTIFICATE PasswordCert WITH PRIVATE KEY (DECRYPTION BY PASSWORD = 'cert-pw');
ALTER CERTIFICATE DefaultDates WITH PRIVATE KEY (ENCRYPTION BY PASSWORD = 'moved-to-pw');
SELECT name, is_active_for_begin_dialog AS active, pvt_key_encryption_type AS pk
FROM sys.certificates ORDER BY certificate_id;
-- BACKUP: the public certificate, then with its private key; files are never overwritten.
BACKUP CERTIFICATE OwnerCert TO FILE = 'owner.cer'
    WITH PRIVATE KEY (FILE = 'owner.pvk', ENCRYPTION BY PASSWORD = 'file-pw');
BACKUP CERTIFICATE OwnerCert TO FILE = 'owner-public.cer';
SELECT name, pvt_key_last_backup_date FROM sys.certificates WHERE name = 'OwnerCert';
BACKUP CERTIFICATE OwnerCert TO FILE = 'owner.cer';
GO
BACKUP CERTIFICATE OwnerCert TO FILE = 'x.cer' WITH PRIVATE KEY (FILE = 'x.pvk');
GO
-- The same certificate cannot be added twice to one database (same thumbprint).
CREATE CERTIFICATE OwnerCertCopy FROM FILE = 'owner-public.cer';
GO
-- Import into another database: public key only, then with the private key.
USE CertB;
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'CertB-key-1';
CREATE USER RemoteOwner WITHOUT LOGIN;
CREATE CERTIFICATE PublicCopy AUTHORIZATION RemoteOwner FROM FILE = 'owner-public.cer';
CREATE CERTIFICATE Missing FROM FILE = 'no-such-file.cer';
GO
CREATE CERTIFICATE WrongKeyPassword FROM FILE = 'owner.cer'
    WITH PRIVATE KEY (FILE = 'owner.pvk', DECRYPTION BY PASSWORD = 'not it');
GO
SELECT name, USER_NAME(principal_id) AS owner, pvt_key_encryption_type AS pk, subject
FROM sys.certificates;
DROP CERTIFICATE PublicCopy;
CREATE CERTIFICATE FullCopy FROM FILE = 'owner.cer'
    WITH PRIVATE KEY (FILE = 'owner.pvk', DECRYPTION BY PASSWORD = 'file-pw');
SELECT name, pvt_key_encryption_type AS pk, subject FROM sys.certificates;
-- The imported private key signs; a public-key-only certificate cannot.
CREATE PROCEDURE dbo.Activated AS SELECT 1 AS one;
GO
ADD SIGNATURE TO OBJECT::dbo.Activated BY CERTIFICATE FullCopy;
SELECT OBJECT_NAME(cp.major_id) AS signed, cp.class_desc, cp.crypt_type, cp.crypt_type_desc,
       c.name AS certificate, DATALENGTH(cp.crypt_property) AS signature_bytes
FROM sys.crypt_properties AS cp JOIN sys.certificates AS c ON cp.thumbprint = c.thumbprint;
ADD SIGNATURE TO dbo.Activated BY CERTIFICATE FullCopy;
GO
ADD SIGNATURE TO dbo.NoSuchProc BY CERTIFICATE FullCopy;
GO
-- A signed certificate cannot be dropped; ALTER PROCEDURE removes the signature.
DROP CERTIFICATE FullCopy;
GO
ALTER PROCEDURE dbo.Activated AS SELECT 2 AS two;
GO
SELECT COUNT(*) AS signatures_after_alter FROM sys.crypt_properties;
ADD SIGNATURE TO dbo.Activated BY CERTIFICATE FullCopy;
DROP SIGNATURE FROM dbo.Activated BY CERTIFICATE FullCopy;
SELECT COUNT(*) AS signatures_after_drop FROM sys.crypt_properties;
DROP CERTIFICATE FullCopy;
SELECT COUNT(*) AS certificates_left FROM sys.certificates;
-- Certificate-mapped users need the certificate.
USE CertA;
CREATE USER CertUser FOR CERTIFICATE OwnerCert;
CREATE USER NoCertUser FOR CERTIFICATE NoSuchCert;
GO
SELECT name, type_desc FROM sys.database_principals WHERE name IN ('CertUser', 'ServiceOwner');
GO
