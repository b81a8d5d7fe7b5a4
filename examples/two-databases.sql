-- Completing a Conversation Between Databases (tutorial lessons 1-4, condensed).
CREATE DATABASE TargetDB;
GO
CREATE DATABASE InitiatorDB;
GO
USE TargetDB;
GO
CREATE MESSAGE TYPE [//BothDB/2DBSample/RequestMessage] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//BothDB/2DBSample/ReplyMessage] VALIDATION = WELL_FORMED_XML;
GO
CREATE CONTRACT [//BothDB/2DBSample/SimpleContract]
      ([//BothDB/2DBSample/RequestMessage] SENT BY INITIATOR,
       [//BothDB/2DBSample/ReplyMessage] SENT BY TARGET);
GO
CREATE QUEUE TargetQueue2DB;
CREATE SERVICE [//TgtDB/2DBSample/TargetService] ON QUEUE TargetQueue2DB ([//BothDB/2DBSample/SimpleContract]);
GO
USE InitiatorDB;
GO
CREATE MESSAGE TYPE [//BothDB/2DBSample/RequestMessage] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//BothDB/2DBSample/ReplyMessage] VALIDATION = WELL_FORMED_XML;
GO
CREATE CONTRACT [//BothDB/2DBSample/SimpleContract]
      ([//BothDB/2DBSample/RequestMessage] SENT BY INITIATOR,
       [//BothDB/2DBSample/ReplyMessage] SENT BY TARGET);
GO
CREATE QUEUE InitiatorQueue2DB;
CREATE SERVICE [//InitDB/2DBSample/InitiatorService] ON QUEUE InitiatorQueue2DB;
GO
DECLARE @InitDlgHandle UNIQUEIDENTIFIER;
DECLARE @RequestMsg NVARCHAR(100);
BEGIN TRANSACTION;
BEGIN DIALOG @InitDlgHandle
     FROM SERVICE [//InitDB/2DBSample/InitiatorService]
     TO SERVICE N'//TgtDB/2DBSample/TargetService'
     ON CONTRACT [//BothDB/2DBSample/SimpleContract]
     WITH ENCRYPTION = OFF;
SELECT @RequestMsg = N'<RequestMsg>Message for Target service.</RequestMsg>';
SEND ON CONVERSATION @InitDlgHandle MESSAGE TYPE [//BothDB/2DBSample/RequestMessage] (@RequestMsg);
SELECT @RequestMsg AS SentRequestMsg;
COMMIT TRANSACTION;
GO
SELECT transmission_status FROM sys.transmission_queue;
GO
ALTER DATABASE InitiatorDB SET TRUSTWORTHY ON;
GO
WAITFOR DELAY '00:00:01.200';
SELECT COUNT(*) AS pending FROM sys.transmission_queue;
GO
USE TargetDB;
GO
DECLARE @RecvReqDlgHandle UNIQUEIDENTIFIER, @RecvReqMsg NVARCHAR(100), @RecvReqMsgName sysname;
BEGIN TRANSACTION;
WAITFOR ( RECEIVE TOP(1) @RecvReqDlgHandle = conversation_handle, @RecvReqMsg = message_body, @RecvReqMsgName = message_type_name FROM TargetQueue2DB ), TIMEOUT 1000;
SELECT @RecvReqMsg AS ReceivedRequestMsg;
IF @RecvReqMsgName = N'//BothDB/2DBSample/RequestMessage'
BEGIN
     DECLARE @ReplyMsg NVARCHAR(100);
     SELECT @ReplyMsg = N'<ReplyMsg>Message for Initiator service.</ReplyMsg>';
     SEND ON CONVERSATION @RecvReqDlgHandle MESSAGE TYPE [//BothDB/2DBSample/ReplyMessage] (@ReplyMsg);
     END CONVERSATION @RecvReqDlgHandle;
END
SELECT @ReplyMsg AS SentReplyMsg;
COMMIT TRANSACTION;
GO
USE InitiatorDB;
GO
DECLARE @RecvReplyMsg NVARCHAR(100), @RecvReplyDlgHandle UNIQUEIDENTIFIER;
BEGIN TRANSACTION;
WAITFOR ( RECEIVE TOP(1) @RecvReplyDlgHandle = conversation_handle, @RecvReplyMsg = message_body FROM InitiatorQueue2DB ), TIMEOUT 1000;
END CONVERSATION @RecvReplyDlgHandle;
SELECT @RecvReplyMsg AS ReceivedReplyMsg;
COMMIT TRANSACTION;
GO
