-- SEND body rules: no body gives NULL, NULL variable 8433, empty body accepted; body encodings round-trip.
CREATE DATABASE sbr;
GO
USE sbr;
GO
CREATE MESSAGE TYPE [//x/Req] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Reply] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//x/Any];
CREATE MESSAGE TYPE [//x/Other];
CREATE CONTRACT [//x/Contract] ([//x/Req] SENT BY INITIATOR, [//x/Reply] SENT BY TARGET, [//x/Any] SENT BY ANY);
CREATE QUEUE InitQ;
CREATE QUEUE TargetQ;
CREATE SERVICE [//x/Init] ON QUEUE InitQ;
CREATE SERVICE [//x/Target] ON QUEUE TargetQ ([//x/Contract]);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE [//x/Init] TO SERVICE '//x/Target' ON CONTRACT [//x/Contract] WITH ENCRYPTION = OFF;
DECLARE @null NVARCHAR(100);
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any];
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any] (0x);
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any] (N'');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any] (N'<a/>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any] ('<a/>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any] (CAST('<a/>' AS XML));
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any] (0x00FF01);
SELECT message_sequence_number, message_body, DATALENGTH(message_body) AS bytes
FROM TargetQ ORDER BY message_sequence_number;
SELECT CAST(message_body AS NVARCHAR(MAX)) AS as_nvarchar FROM TargetQ WHERE message_sequence_number = 3;
SELECT CAST(message_body AS VARCHAR(MAX)) AS as_varchar FROM TargetQ WHERE message_sequence_number = 4;
SELECT CAST(message_body AS XML) AS as_xml FROM TargetQ WHERE message_sequence_number = 5;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Any] (@null);
GO
