-- RECEIVE column list: aliases (AS, alias =), CAST to NVARCHAR(MAX) and XML, CASE, CONVERT.
CREATE DATABASE rc;
GO
USE rc;
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
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m>0</m>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m>1</m>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Req] (N'<m>2</m>');
GO
RECEIVE TOP (2)
    message_type_name AS type_name,
    seq = message_sequence_number,
    CAST(message_body AS NVARCHAR(MAX)) AS text_body,
    CASE WHEN validation = 'X' THEN CAST(message_body AS XML) END AS xml_body,
    CONVERT(NVARCHAR(100), message_body) converted,
    service_name
FROM TargetQ;
GO
