-- CREATE / DROP INDEX are recorded in sys.indexes; UNIQUE indexes and UNIQUE constraints are
-- enforced on INSERT and UPDATE (2601 / 2627), as is the primary key (also on UPDATE).
CREATE DATABASE IxDb;
GO
USE IxDb;
CREATE TABLE dbo.Msgs (Id INT NOT NULL CONSTRAINT PK_Msgs PRIMARY KEY, Handle UNIQUEIDENTIFIER NULL,
    Code NVARCHAR(10) NULL CONSTRAINT UQ_Msgs_Code UNIQUE, Seq INT NULL);
CREATE NONCLUSTERED INDEX IX_Msgs_Seq ON dbo.Msgs (Seq);
INSERT INTO dbo.Msgs (Id, Code, Seq) VALUES (1, N'a', 10), (2, N'b', 10);
SELECT name, index_id, type_desc, is_unique, is_primary_key, is_unique_constraint
FROM sys.indexes WHERE object_id = OBJECT_ID('dbo.Msgs') ORDER BY index_id;
-- The guard deployment scripts use.
IF NOT EXISTS (SELECT * FROM sys.indexes WHERE name = N'IX_Msgs_Seq' AND object_id = OBJECT_ID(N'dbo.Msgs'))
    PRINT 'would create IX_Msgs_Seq';
ELSE
    PRINT 'IX_Msgs_Seq exists';
CREATE INDEX IX_Msgs_Seq ON dbo.Msgs (Seq);
GO
CREATE UNIQUE INDEX UX_Msgs_Seq ON dbo.Msgs (Seq);
GO
CREATE INDEX IX_Bad ON dbo.Msgs (NoSuchColumn);
GO
CREATE UNIQUE INDEX UX_Msgs_Handle ON dbo.Msgs (Handle);
GO
-- Two NULLs already share Handle: the unique index cannot be built (1505) …
UPDATE dbo.Msgs SET Handle = NEWID() WHERE Id = 1;
CREATE UNIQUE INDEX UX_Msgs_Handle ON dbo.Msgs (Handle);
-- … now it can, and it refuses a second row with the same key (NULL counts as a value).
INSERT INTO dbo.Msgs (Id, Code) VALUES (3, N'c');
GO
INSERT INTO dbo.Msgs (Id, Code, Handle) VALUES (3, N'c', NEWID());
DELETE FROM dbo.Msgs WHERE Id = 3;
GO
INSERT INTO dbo.Msgs (Id, Code) VALUES (4, N'A');
GO
UPDATE dbo.Msgs SET Id = 1 WHERE Id = 2;
GO
UPDATE dbo.Msgs SET Code = N'x' WHERE Id IN (1, 2);
GO
-- A refused UPDATE changes nothing; swapping keys in one statement is fine.
SELECT Id, Code FROM dbo.Msgs ORDER BY Id;
UPDATE dbo.Msgs SET Id = 3 - Id WHERE Id IN (1, 2);
SELECT Id, Code FROM dbo.Msgs ORDER BY Id;
DROP INDEX UX_Msgs_Handle ON dbo.Msgs;
INSERT INTO dbo.Msgs (Id, Code) VALUES (5, N'e');
DROP INDEX dbo.Msgs.IX_Msgs_Seq;
DROP INDEX IX_Msgs_Seq ON dbo.Msgs;
GO
DROP INDEX IF EXISTS IX_Msgs_Seq ON dbo.Msgs;
ALTER TABLE dbo.Msgs DROP CONSTRAINT UQ_Msgs_Code;
INSERT INTO dbo.Msgs (Id, Code) VALUES (6, N'a');
SELECT name, index_id, type_desc FROM sys.indexes WHERE object_id = OBJECT_ID('dbo.Msgs') ORDER BY index_id;
GO
