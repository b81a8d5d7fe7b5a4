-- Lesson 1 (target instance): the Service Broker endpoint and the target database.
-- Differs from the tutorial: the endpoint authenticates with a certificate (sbroker has no
-- Windows authentication); its public part is exported for the initiator instance.
USE master;
GO
CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'Target!Master1';
GO
CREATE CERTIFICATE InstTargetTransportCert
    WITH SUBJECT = N'Target instance transport', EXPIRY_DATE = N'20991231';
GO
BACKUP CERTIFICATE InstTargetTransportCert TO FILE = N'$(CertDir)/InstTargetTransportCert.cer';
GO
CREATE ENDPOINT InstTargetEndpoint
    STATE = STARTED
    AS TCP (LISTENER_PORT = $(TargetPort), LISTENER_IP = (127.0.0.1))
    FOR SERVICE_BROKER (AUTHENTICATION = CERTIFICATE InstTargetTransportCert,
                        ENCRYPTION = REQUIRED ALGORITHM AES);
GO
CREATE DATABASE InstTargetDB;
GO
USE InstTargetDB;
GO
CREATE MESSAGE TYPE [//BothDB/2InstSample/RequestMessage] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//BothDB/2InstSample/ReplyMessage] VALIDATION = WELL_FORMED_XML;
GO
CREATE CONTRACT [//BothDB/2InstSample/SimpleContract]
    ([//BothDB/2InstSample/RequestMessage] SENT BY INITIATOR,
     [//BothDB/2InstSample/ReplyMessage] SENT BY TARGET);
GO
CREATE QUEUE InstTargetQueue;
CREATE SERVICE [//TgtDB/2InstSample/TargetService]
    ON QUEUE InstTargetQueue ([//BothDB/2InstSample/SimpleContract]);
GO
