-- F-TXQ-01: a pending row's 13 columns: to/from service, contract, type, sequence, body correct,
-- enqueue_time in UTC. F-TXQ-03: GET_TRANSMISSION_STATUS equals the row's transmission_status and
-- is '' for a random GUID. F-TXQ-06: priority column = the endpoint's priority (7).
CREATE DATABASE tx1;
GO
USE tx1;
GO
CREATE MESSAGE TYPE m;
CREATE CONTRACT c (m SENT BY INITIATOR);
CREATE QUEUE qi;
CREATE SERVICE si ON QUEUE qi;
CREATE BROKER PRIORITY p7 FOR CONVERSATION SET (CONTRACT_NAME = c, LOCAL_SERVICE_NAME = si, PRIORITY_LEVEL = 7);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'missing_target' ON CONTRACT c WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE m (N'pending body');
SEND ON CONVERSATION @h MESSAGE TYPE m (0x0102);
GO
WAITFOR DELAY '00:00:01';
SELECT * FROM sys.transmission_queue WHERE 1 = 0;
SELECT to_service_name, to_broker_instance, from_service_name, service_contract_name, message_type_name,
       message_sequence_number, is_conversation_error, is_end_of_dialog, c.priority, message_body,
       CASE WHEN DATEDIFF(SECOND, enqueue_time, GETUTCDATE()) BETWEEN 0 AND 30 THEN 1 ELSE 0 END AS enqueue_time_is_utc_now,
       CASE WHEN c.conversation_handle = e.conversation_handle THEN 1 ELSE 0 END AS handle_matches
FROM sys.transmission_queue AS c JOIN sys.conversation_endpoints AS e ON e.conversation_handle = c.conversation_handle
ORDER BY message_sequence_number;
SELECT priority FROM sys.conversation_endpoints;
DECLARE @h UNIQUEIDENTIFIER = (SELECT TOP (1) conversation_handle FROM sys.conversation_endpoints);
SELECT CASE WHEN GET_TRANSMISSION_STATUS(@h) = (SELECT TOP (1) transmission_status FROM sys.transmission_queue ORDER BY message_sequence_number) THEN 1 ELSE 0 END AS same_status,
       CASE WHEN LEN(GET_TRANSMISSION_STATUS(@h)) > 0 THEN 1 ELSE 0 END AS non_empty,
       GET_TRANSMISSION_STATUS(NEWID()) AS random_guid_status;
GO
