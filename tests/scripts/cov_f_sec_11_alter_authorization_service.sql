-- F-SEC-11: ALTER AUTHORIZATION ON SERVICE::s TO u sets sys.services.principal_id to u.
CREATE DATABASE aas;
GO
USE aas;
GO
CREATE USER u WITHOUT LOGIN;
CREATE QUEUE q;
CREATE SERVICE s ON QUEUE q;
GO
SELECT USER_NAME(principal_id) AS owner_before FROM sys.services WHERE name = N's';
ALTER AUTHORIZATION ON SERVICE::s TO u;
SELECT USER_NAME(principal_id) AS owner_after, CASE WHEN principal_id = USER_ID('u') THEN 1 ELSE 0 END AS is_u
FROM sys.services WHERE name = N's';
GO
