-- CREATE / ALTER / DROP REMOTE SERVICE BINDING and sys.remote_service_bindings (F-SEC-03).
CREATE DATABASE RsbDb;
GO
USE RsbDb;
CREATE USER TargetUser WITHOUT LOGIN;
CREATE USER OtherUser WITHOUT LOGIN;
CREATE ROLE SomeRole;
CREATE REMOTE SERVICE BINDING ToTarget TO SERVICE '//Adventure/Target' WITH USER = TargetUser;
CREATE REMOTE SERVICE BINDING ToAnon AUTHORIZATION OtherUser
    TO SERVICE '//Adventure/Anonymous' WITH USER = OtherUser, ANONYMOUS = ON;
SELECT name, USER_NAME(principal_id) AS owner, remote_service_name, service_contract_id,
       USER_NAME(remote_principal_id) AS remote_user, is_anonymous_on
FROM sys.remote_service_bindings ORDER BY remote_service_binding_id;
-- One binding per remote service name (9619); the user must be able to own certificates
-- (28083); the user must exist; names are unique.
CREATE REMOTE SERVICE BINDING Again TO SERVICE '//Adventure/Target' WITH USER = OtherUser;
GO
CREATE REMOTE SERVICE BINDING ToRole TO SERVICE '//Adventure/Role' WITH USER = SomeRole;
GO
CREATE REMOTE SERVICE BINDING ToNobody TO SERVICE '//Adventure/Nobody' WITH USER = Nobody;
GO
CREATE REMOTE SERVICE BINDING ToTarget TO SERVICE '//Adventure/Other' WITH USER = TargetUser;
GO
-- The service name is compared byte for byte: another case is another service.
CREATE REMOTE SERVICE BINDING ToTargetUpper TO SERVICE '//ADVENTURE/TARGET' WITH USER = TargetUser;
ALTER REMOTE SERVICE BINDING ToTarget WITH USER = OtherUser, ANONYMOUS = ON;
ALTER REMOTE SERVICE BINDING ToTarget WITH USER = SomeRole;
GO
SELECT name, USER_NAME(remote_principal_id) AS remote_user, is_anonymous_on
FROM sys.remote_service_bindings ORDER BY remote_service_binding_id;
DROP REMOTE SERVICE BINDING ToAnon;
DROP REMOTE SERVICE BINDING ToAnon;
GO
SELECT name FROM sys.remote_service_bindings ORDER BY name;
-- Bindings roll back with the transaction.
BEGIN TRANSACTION;
DROP REMOTE SERVICE BINDING ToTarget;
ROLLBACK;
SELECT COUNT(*) AS bindings FROM sys.remote_service_bindings;
GO
