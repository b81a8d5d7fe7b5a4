-- ALTER TABLE as deployment scripts use it: add columns (NULL, NOT NULL with DEFAULT,
-- IDENTITY), named DEFAULT / PRIMARY KEY / FOREIGN KEY constraints, WITH CHECK, CHECK
-- CONSTRAINT, DROP CONSTRAINT / COLUMN, ALTER COLUMN, DISABLE / ENABLE TRIGGER, SET options.
CREATE DATABASE AlterDb;
GO
USE AlterDb;
CREATE TABLE dbo.Orders (Id INT NOT NULL, Item NVARCHAR(20) NULL);
INSERT INTO dbo.Orders (Id, Item) VALUES (1, N'apple'), (2, N'pear');
ALTER TABLE dbo.Orders ADD Note NVARCHAR(50) NULL, Qty INT NOT NULL CONSTRAINT DF_Orders_Qty DEFAULT (5);
ALTER TABLE dbo.Orders ADD Seq INT IDENTITY(100, 10);
SELECT Id, Item, Note, Qty, Seq FROM dbo.Orders ORDER BY Id;
-- A NOT NULL column without a default cannot be added to a non-empty table.
ALTER TABLE dbo.Orders ADD Required INT NOT NULL;
GO
ALTER TABLE dbo.Orders ADD Item INT NULL;
GO
-- Named constraints as SSDT writes them.
ALTER TABLE [dbo].[Orders] ADD CONSTRAINT [DF_Orders_Note] DEFAULT (N'none') FOR [Note];
ALTER TABLE [dbo].[Orders] ADD CONSTRAINT [PK_Orders] PRIMARY KEY CLUSTERED ([Id] ASC);
CREATE TABLE dbo.Customers (Id INT NOT NULL PRIMARY KEY);
ALTER TABLE [dbo].[Orders] WITH CHECK ADD CONSTRAINT [FK_Orders_Customers] FOREIGN KEY ([Qty]) REFERENCES [dbo].[Customers] ([Id]);
ALTER TABLE [dbo].[Orders] CHECK CONSTRAINT [FK_Orders_Customers];
ALTER TABLE [dbo].[Orders] NOCHECK CONSTRAINT ALL;
ALTER TABLE [dbo].[Orders] SET (LOCK_ESCALATION = TABLE);
INSERT INTO dbo.Orders (Id, Item) VALUES (3, N'plum');
SELECT Id, Note, Qty FROM dbo.Orders WHERE Id = 3;
INSERT INTO dbo.Orders (Id, Item) VALUES (3, N'again');
GO
ALTER TABLE dbo.Orders ADD CONSTRAINT PK_Again PRIMARY KEY (Item);
GO
ALTER TABLE dbo.Orders ADD CONSTRAINT DF_Orders_Note2 DEFAULT (N'x') FOR Note;
GO
ALTER TABLE dbo.Orders CHECK CONSTRAINT NoSuchConstraint;
GO
-- Dropping: a column a constraint depends on is refused until the constraint goes.
ALTER TABLE dbo.Orders DROP COLUMN Note;
GO
ALTER TABLE dbo.Orders DROP CONSTRAINT DF_Orders_Note;
ALTER TABLE dbo.Orders DROP COLUMN Note;
ALTER TABLE dbo.Orders DROP CONSTRAINT NoSuchConstraint;
GO
ALTER TABLE dbo.Orders DROP COLUMN NoSuchColumn;
GO
ALTER TABLE dbo.Orders DROP CONSTRAINT PK_Orders;
INSERT INTO dbo.Orders (Id, Item) VALUES (3, N'duplicate ok');
SELECT COUNT(*) AS rows_with_id_3 FROM dbo.Orders WHERE Id = 3;
-- ALTER COLUMN converts every row, and refuses NOT NULL over NULLs.
ALTER TABLE dbo.Orders ALTER COLUMN Item NVARCHAR(100) NULL;
ALTER TABLE dbo.Orders ALTER COLUMN Id BIGINT NOT NULL;
SELECT c.name, t.name AS type_name, c.max_length, c.is_nullable
FROM sys.columns AS c JOIN sys.types AS t ON t.user_type_id = c.user_type_id
WHERE c.object_id = OBJECT_ID('dbo.Orders') ORDER BY c.column_id;
UPDATE dbo.Orders SET Item = NULL WHERE Id = 1;
ALTER TABLE dbo.Orders ALTER COLUMN Item NVARCHAR(100) NOT NULL;
GO
-- Triggers can be switched off and on.
CREATE TABLE dbo.Audit (Msg NVARCHAR(50));
GO
CREATE TRIGGER trOrders ON dbo.Orders AFTER INSERT AS
    INSERT INTO dbo.Audit (Msg) SELECT N'inserted ' + CAST(Id AS NVARCHAR(10)) FROM inserted;
GO
ALTER TABLE dbo.Orders DISABLE TRIGGER trOrders;
INSERT INTO dbo.Orders (Id) VALUES (10);
ALTER TABLE dbo.Orders ENABLE TRIGGER ALL;
INSERT INTO dbo.Orders (Id) VALUES (11);
SELECT Msg FROM dbo.Audit;
ALTER TABLE dbo.Orders DISABLE TRIGGER NoSuchTrigger;
GO
-- ALTER TABLE rolls back with the transaction.
BEGIN TRANSACTION;
ALTER TABLE dbo.Orders ADD Temp INT NULL;
ROLLBACK;
SELECT COUNT(*) AS temp_columns FROM sys.columns
WHERE object_id = OBJECT_ID('dbo.Orders') AND name = 'Temp';
-- #temp tables too.
CREATE TABLE #t (a INT);
INSERT INTO #t VALUES (1);
ALTER TABLE #t ADD b INT NOT NULL DEFAULT 7;
SELECT a, b FROM #t;
GO
