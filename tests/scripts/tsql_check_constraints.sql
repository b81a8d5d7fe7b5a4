-- CHECK constraints (column and table level) are enforced on INSERT, UPDATE and MERGE (547);
-- ALTER TABLE … ADD CONSTRAINT checks existing rows unless WITH NOCHECK; NOCHECK / CHECK
-- CONSTRAINT turn enforcement off and on.
CREATE DATABASE CkDb;
GO
USE CkDb;
CREATE TABLE dbo.Jobs (Id INT PRIMARY KEY, Tries INT NOT NULL CONSTRAINT CK_Jobs_Tries CHECK (Tries >= 0),
    State NVARCHAR(10) NULL, CONSTRAINT CK_Jobs_State CHECK (State IN (N'new', N'done')));
INSERT INTO dbo.Jobs VALUES (1, 0, N'new');
INSERT INTO dbo.Jobs VALUES (2, 0, NULL);
INSERT INTO dbo.Jobs VALUES (3, -1, N'new');
GO
INSERT INTO dbo.Jobs VALUES (3, 1, N'lost');
GO
UPDATE dbo.Jobs SET Tries = Tries - 1 WHERE Id = 1;
GO
SELECT Id, Tries, State FROM dbo.Jobs ORDER BY Id;
-- New constraints check the rows already there, unless WITH NOCHECK.
ALTER TABLE dbo.Jobs ADD CONSTRAINT CK_Jobs_Done CHECK (State = N'done');
GO
ALTER TABLE dbo.Jobs WITH NOCHECK ADD CONSTRAINT CK_Jobs_Done CHECK (State = N'done');
INSERT INTO dbo.Jobs VALUES (4, 0, N'new');
GO
ALTER TABLE dbo.Jobs NOCHECK CONSTRAINT CK_Jobs_Done;
INSERT INTO dbo.Jobs VALUES (4, 0, N'new');
ALTER TABLE dbo.Jobs CHECK CONSTRAINT ALL;
INSERT INTO dbo.Jobs VALUES (5, 0, N'new');
GO
ALTER TABLE dbo.Jobs ADD CONSTRAINT UQ_Jobs_Tries UNIQUE (Tries);
GO
SELECT COUNT(*) AS jobs FROM dbo.Jobs;
GO
