-- F-STATE-02: after n sends / m arrivals, send_sequence = n at the sender and receive_sequence = m
-- at the receiver. F-STATE-01: state codes and descriptions at each point, is_system 0
-- (SO, CO, DI, DO, ER, CD).
CREATE DATABASE st2;
GO
USE st2;
GO
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([DEFAULT]);
GO
DECLARE @h UNIQUEIDENTIFIER, @t UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SELECT state, state_desc, is_system FROM sys.conversation_endpoints WHERE conversation_handle = @h;
SEND ON CONVERSATION @h (N'1');
SEND ON CONVERSATION @h (N'2');
SEND ON CONVERSATION @h (N'3');
SEND ON CONVERSATION @h (N'4');
SELECT @t = conversation_handle FROM sys.conversation_endpoints WHERE is_initiator = 0;
SEND ON CONVERSATION @t (N'r1');
SEND ON CONVERSATION @t (N'r2');
SELECT is_initiator, state, state_desc, send_sequence, receive_sequence, is_system FROM sys.conversation_endpoints ORDER BY is_initiator;
-- DO: the initiator ends first (its EndDialog is sent), the target has not yet answered
END CONVERSATION @h;
SELECT is_initiator, state, state_desc FROM sys.conversation_endpoints ORDER BY is_initiator;
END CONVERSATION @t;
SELECT is_initiator, state, state_desc FROM sys.conversation_endpoints ORDER BY is_initiator;
GO
-- DO with a delayed EndDialog: target queue disabled, the initiator ENDs
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'x');
ALTER QUEUE qt WITH STATUS = OFF;
SEND ON CONVERSATION @h (N'y');
END CONVERSATION @h;
SELECT is_initiator, state, state_desc FROM sys.conversation_endpoints WHERE conversation_handle = @h;
-- ER: END WITH ERROR on the target side
ALTER QUEUE qt WITH STATUS = ON;
GO
