-- RECEIVE/SEND need the preceding statement terminated with ';' (RECEIVE docs:
-- "the preceding statement must be terminated with a semicolon").
CREATE DATABASE words;
GO
USE words;
GO
CREATE QUEUE TargetQueue;
CREATE SERVICE TargetService ON QUEUE TargetQueue ([DEFAULT]);
CREATE QUEUE InitiatorQueue;
CREATE SERVICE InitiatorService ON QUEUE InitiatorQueue;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE InitiatorService TO SERVICE 'TargetService' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (CAST(N'hello' AS VARBINARY(MAX)))
GO
-- without the ';' the word after a table name is read as its alias: a syntax error
select message_type_name from TargetQueue
receive * from TargetQueue
GO
select message_type_name from TargetQueue;
receive CAST(message_body AS NVARCHAR(MAX)) AS body from TargetQueue
select COUNT(*) AS n from TargetQueue
GO
-- a statement word is a valid alias
SELECT 1 AS receive, 2 [send];
SELECT [move].name FROM sys.service_queues [move] WHERE [move].name = 'TargetQueue';
GO
-- `@` alone is a valid variable name
DECLARE @ INT = 100
SELECT @ + 1 AS plus_one
GO
-- TEXTIMAGE_ON is accepted (and has no effect)
CREATE TABLE dbo.Docs (id INT NOT NULL PRIMARY KEY, body NVARCHAR(MAX)) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
INSERT dbo.Docs VALUES (1, N'x')
SELECT id, body FROM dbo.Docs
GO
