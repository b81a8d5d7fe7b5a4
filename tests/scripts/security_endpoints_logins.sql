-- Server level: logins, the Service Broker endpoint and CONNECT permission
-- (F-EP-01, F-EP-02, F-EP-05, F-EP-06, F-CAT-07).
USE master;
GO
CREATE LOGIN BrokerLogin WITH PASSWORD = 'Login-pw-1';
CREATE LOGIN [CONTOSO\BrokerAccount] FROM WINDOWS;
CREATE LOGIN BrokerLogin WITH PASSWORD = 'again';
GO
CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'master-db-key';
CREATE CERTIFICATE TransportCert WITH SUBJECT = 'Transport security';
CREATE LOGIN CertLogin FROM CERTIFICATE TransportCert;
CREATE LOGIN NoCertLogin FROM CERTIFICATE NoSuchCert;
GO
SELECT name, type, type_desc, is_disabled FROM sys.server_principals
WHERE principal_id >= 256 ORDER BY principal_id;
SELECT name, type_desc FROM sys.sql_logins WHERE name = 'BrokerLogin';
SELECT SUSER_ID('BrokerLogin') - SUSER_ID('BrokerLogin') AS same_id, SUSER_NAME(2) AS role2;
-- No endpoint yet.
SELECT COUNT(*) AS broker_endpoints FROM sys.service_broker_endpoints;
-- Endpoint DDL is refused inside a user transaction.
BEGIN TRANSACTION;
CREATE ENDPOINT InTran AS TCP (LISTENER_PORT = 4022) FOR SERVICE_BROKER ();
GO
ROLLBACK;
-- Defaults: STOPPED, forwarding off (10 MB), NEGOTIATE, REQUIRED AES.
CREATE ENDPOINT BrokerEndpoint AS TCP (LISTENER_PORT = 4022) FOR SERVICE_BROKER ();
SELECT name, protocol_desc, type_desc, state_desc, is_message_forwarding_enabled,
       message_forwarding_size, connection_auth_desc, certificate_id,
       encryption_algorithm, encryption_algorithm_desc
FROM sys.service_broker_endpoints;
-- The port query of the monitoring how-to.
SELECT tcp.port FROM sys.tcp_endpoints AS tcp
JOIN sys.service_broker_endpoints AS sb ON sb.endpoint_id = tcp.endpoint_id;
SELECT name, type_desc FROM sys.endpoints ORDER BY endpoint_id;
-- Only one Service Broker endpoint per instance.
CREATE ENDPOINT Second AS TCP (LISTENER_PORT = 4023) FOR SERVICE_BROKER ();
GO
-- ALTER: state, forwarding, authentication and encryption.
ALTER ENDPOINT BrokerEndpoint STATE = STARTED;
ALTER ENDPOINT BrokerEndpoint FOR SERVICE_BROKER (MESSAGE_FORWARDING = ENABLED,
    MESSAGE_FORWARD_SIZE = 20);
SELECT state_desc, is_message_forwarding_enabled, message_forwarding_size
FROM sys.service_broker_endpoints;
ALTER ENDPOINT BrokerEndpoint FOR SERVICE_BROKER (AUTHENTICATION = CERTIFICATE TransportCert,
    ENCRYPTION = SUPPORTED ALGORITHM RC4 AES);
SELECT connection_auth_desc, certificate_id - CERT_ID('TransportCert') AS cert_matches,
       encryption_algorithm_desc
FROM sys.service_broker_endpoints;
ALTER ENDPOINT BrokerEndpoint FOR SERVICE_BROKER (AUTHENTICATION = WINDOWS KERBEROS CERTIFICATE TransportCert,
    ENCRYPTION = DISABLED);
SELECT connection_auth_desc, encryption_algorithm_desc FROM sys.service_broker_endpoints;
ALTER ENDPOINT NoSuchEndpoint STATE = STOPPED;
GO
-- The certificate an endpoint authenticates with cannot be dropped.
DROP CERTIFICATE TransportCert;
GO
-- CONNECT permission.
GRANT CONNECT ON ENDPOINT::BrokerEndpoint TO BrokerLogin;
GRANT CONNECT ON ENDPOINT::BrokerEndpoint TO [public];
GRANT CONNECT ON ENDPOINT::BrokerEndpoint TO NoSuchLogin;
GO
SELECT class_desc, permission_name, SUSER_NAME(grantee_principal_id) AS grantee, state_desc
FROM sys.server_permissions WHERE class = 105 ORDER BY grantee_principal_id;
REVOKE CONNECT ON ENDPOINT::BrokerEndpoint TO [public];
SELECT COUNT(*) AS grants FROM sys.server_permissions WHERE class = 105;
-- A database mirroring endpoint is a different type.
CREATE ENDPOINT Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 5022)
    FOR DATABASE_MIRRORING (ROLE = PARTNER, ENCRYPTION = REQUIRED ALGORITHM AES);
SELECT name, role_desc, is_encryption_enabled, encryption_algorithm_desc
FROM sys.database_mirroring_endpoints;
-- Users mapped to logins.
CREATE DATABASE LoginDb;
GO
USE LoginDb;
CREATE USER BrokerUser FOR LOGIN BrokerLogin;
CREATE USER Nobody FOR LOGIN NoSuchLogin;
GO
SELECT name FROM sys.database_principals WHERE name = 'BrokerUser';
-- DROP: endpoints (networking off; local delivery is unaffected) and logins.
DROP ENDPOINT BrokerEndpoint;
DROP ENDPOINT Mirroring;
SELECT COUNT(*) AS endpoints_left FROM sys.tcp_endpoints WHERE type_desc <> 'TSQL';
DROP LOGIN BrokerLogin;
DROP LOGIN BrokerLogin;
GO
SELECT COUNT(*) AS logins_left FROM sys.server_principals WHERE principal_id >= 256;
GO
