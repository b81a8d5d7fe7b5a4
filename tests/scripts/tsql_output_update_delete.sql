-- The OUTPUT clause of UPDATE and DELETE: inserted.* / deleted.* to the client and INTO a
-- table variable, also with UPDATE … FROM (the "claim a batch of work" pattern).
CREATE DATABASE OutDb;
GO
USE OutDb;
CREATE TABLE dbo.Work (Id INT PRIMARY KEY, State NVARCHAR(10), Owner NVARCHAR(10) NULL);
INSERT INTO dbo.Work (Id, State) VALUES (1, N'ready'), (2, N'ready'), (3, N'done');
UPDATE dbo.Work SET State = N'taken', Owner = N'w1'
OUTPUT deleted.State AS old_state, inserted.State AS new_state, inserted.Id
WHERE State = N'ready' AND Id = 1;
DECLARE @claimed TABLE (Id INT, Owner NVARCHAR(10));
UPDATE w SET State = N'taken', Owner = N'w2'
OUTPUT inserted.Id, inserted.Owner INTO @claimed
FROM dbo.Work AS w WHERE w.State = N'ready';
SELECT Id, Owner FROM @claimed;
DELETE FROM dbo.Work OUTPUT deleted.* WHERE State = N'done';
DECLARE @gone TABLE (Id INT);
DELETE w OUTPUT deleted.Id INTO @gone FROM dbo.Work AS w WHERE w.Owner = N'w2';
SELECT Id FROM @gone;
SELECT Id, State, Owner FROM dbo.Work;
GO
