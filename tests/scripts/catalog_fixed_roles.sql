-- Every database has the fixed database roles (with SQL Server's principal ids);
-- setup scripts grant access by adding users to them.
CREATE USER app WITHOUT LOGIN;
ALTER ROLE db_datareader ADD MEMBER app;
ALTER ROLE db_datawriter ADD MEMBER app;
GO
SELECT name, principal_id, type_desc FROM sys.database_principals WHERE is_fixed_role = 1 ORDER BY principal_id;
SELECT r.name AS role_name, m.name AS member_name
FROM sys.database_role_members rm
JOIN sys.database_principals r ON r.principal_id = rm.role_principal_id
JOIN sys.database_principals m ON m.principal_id = rm.member_principal_id
ORDER BY r.name;
GO
ALTER ROLE db_datawriter DROP MEMBER app;
SELECT COUNT(*) AS memberships FROM sys.database_role_members;
GO
-- a fixed role cannot be dropped
DROP ROLE db_datareader;
GO
ALTER ROLE db_nosuchrole ADD MEMBER app;
GO
-- a role with members cannot be dropped; a dropped user leaves its roles
CREATE ROLE readers;
ALTER ROLE readers ADD MEMBER app;
GO
DROP ROLE readers;
GO
DROP USER app;
SELECT COUNT(*) AS memberships FROM sys.database_role_members;
DROP ROLE readers;
SELECT COUNT(*) AS readers FROM sys.database_principals WHERE name = 'readers';
GO
-- DROP ROLE names a role, DROP USER a user
CREATE USER u2 WITHOUT LOGIN;
GO
DROP ROLE u2;
GO
DROP USER db_owner;
GO
