-- Lesson 2 (initiator instance): the endpoint and the initiator database.
-- Differs from the tutorial as lesson 1 does: certificate transport security.
USE master;
GO
CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'Initiator!Master1';
GO
CREATE CERTIFICATE InstInitiatorTransportCert
    WITH SUBJECT = N'Initiator instance transport', EXPIRY_DATE = N'20991231';
GO
BACKUP CERTIFICATE InstInitiatorTransportCert
    TO FILE = N'$(CertDir)/InstInitiatorTransportCert.cer';
GO
CREATE ENDPOINT InstInitiatorEndpoint
    STATE = STARTED
    AS TCP (LISTENER_PORT = $(InitiatorPort), LISTENER_IP = (127.0.0.1))
    FOR SERVICE_BROKER (AUTHENTICATION = CERTIFICATE InstInitiatorTransportCert,
                        ENCRYPTION = REQUIRED ALGORITHM AES);
GO
CREATE DATABASE InstInitiatorDB;
GO
USE InstInitiatorDB;
GO
CREATE MESSAGE TYPE [//BothDB/2InstSample/RequestMessage] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//BothDB/2InstSample/ReplyMessage] VALIDATION = WELL_FORMED_XML;
GO
CREATE CONTRACT [//BothDB/2InstSample/SimpleContract]
    ([//BothDB/2InstSample/RequestMessage] SENT BY INITIATOR,
     [//BothDB/2InstSample/ReplyMessage] SENT BY TARGET);
GO
CREATE QUEUE InstInitiatorQueue;
CREATE SERVICE [//InstDB/2InstSample/InitiatorService] ON QUEUE InstInitiatorQueue;
GO
