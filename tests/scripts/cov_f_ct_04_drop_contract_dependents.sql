-- F-CT-04: DROP CONTRACT fails while a service or a broker priority references it; succeeds once
-- nothing does. F-CT-05: ALTER CONTRACT is a syntax error; ALTER AUTHORIZATION changes principal_id.
CREATE DATABASE ctd;
GO
USE ctd;
GO
CREATE USER u WITHOUT LOGIN;
CREATE MESSAGE TYPE m;
CREATE CONTRACT c1 (m SENT BY ANY);
CREATE CONTRACT c2 (m SENT BY ANY);
CREATE QUEUE q;
CREATE SERVICE s ON QUEUE q (c1);
CREATE BROKER PRIORITY p FOR CONVERSATION SET (CONTRACT_NAME = c2, PRIORITY_LEVEL = 7);
GO
DROP CONTRACT c1;
GO
DROP CONTRACT c2;
GO
SELECT name FROM sys.service_contracts WHERE service_contract_id >= 65536 ORDER BY name;
GO
DROP SERVICE s;
DROP CONTRACT c1;
DROP BROKER PRIORITY p;
DROP CONTRACT c2;
SELECT COUNT(*) AS user_contracts FROM sys.service_contracts WHERE service_contract_id >= 65536;
GO
-- F-CT-05
CREATE CONTRACT c3 (m SENT BY ANY);
GO
ALTER CONTRACT c3 (m SENT BY INITIATOR);
GO
SELECT CASE WHEN principal_id = USER_ID('dbo') OR principal_id = 1 THEN 1 ELSE 0 END AS owned_by_dbo
FROM sys.service_contracts WHERE name = N'c3';
ALTER AUTHORIZATION ON CONTRACT::c3 TO u;
SELECT CASE WHEN c.principal_id = p.principal_id THEN 1 ELSE 0 END AS owned_by_u
FROM sys.service_contracts AS c JOIN sys.database_principals AS p ON p.name = N'u'
WHERE c.name = N'c3';
GO
