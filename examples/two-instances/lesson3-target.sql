-- Lesson 3 (target instance): trust the initiator instance and route to it.
-- The initiator's transport certificate belongs to a login with CONNECT on the endpoint
-- (transport security); the tutorial's initiator user, database certificate and remote
-- service binding belong to dialog security, which comes later.
USE master;
GO
CREATE LOGIN InstInitiatorLogin WITH PASSWORD = N'Initiator!Login1';
CREATE USER InstInitiatorUser FOR LOGIN InstInitiatorLogin;
CREATE CERTIFICATE InstInitiatorTransportCert
    AUTHORIZATION InstInitiatorUser
    FROM FILE = N'$(CertDir)/InstInitiatorTransportCert.cer';
GRANT CONNECT ON ENDPOINT::InstTargetEndpoint TO InstInitiatorLogin;
GO
USE InstTargetDB;
GO
CREATE ROUTE InstInitiatorRoute
    WITH SERVICE_NAME = N'//InstDB/2InstSample/InitiatorService',
         ADDRESS = N'TCP://127.0.0.1:$(InitiatorPort)';
GO
USE msdb;
GO
CREATE ROUTE InstTargetRoute
    WITH SERVICE_NAME = N'//TgtDB/2InstSample/TargetService',
         ADDRESS = N'LOCAL';
GO
