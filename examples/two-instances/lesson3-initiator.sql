-- Lesson 3 (initiator instance): trust the target instance and route to it.
USE master;
GO
CREATE LOGIN InstTargetLogin WITH PASSWORD = N'Target!Login1';
CREATE USER InstTargetUser FOR LOGIN InstTargetLogin;
CREATE CERTIFICATE InstTargetTransportCert
    AUTHORIZATION InstTargetUser
    FROM FILE = N'$(CertDir)/InstTargetTransportCert.cer';
GRANT CONNECT ON ENDPOINT::InstInitiatorEndpoint TO InstTargetLogin;
GO
USE InstInitiatorDB;
GO
CREATE ROUTE InstTargetRoute
    WITH SERVICE_NAME = N'//TgtDB/2InstSample/TargetService',
         ADDRESS = N'TCP://127.0.0.1:$(TargetPort)';
GO
USE msdb;
GO
CREATE ROUTE InstInitiatorRoute
    WITH SERVICE_NAME = N'//InstDB/2InstSample/InitiatorService',
         ADDRESS = N'LOCAL';
GO
