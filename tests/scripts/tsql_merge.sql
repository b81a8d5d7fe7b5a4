-- MERGE as state-table upserts in activation procedures use it: WHEN MATCHED [AND] UPDATE /
-- DELETE, WHEN NOT MATCHED [BY TARGET] INSERT, WHEN NOT MATCHED BY SOURCE, OUTPUT, a source
-- from a table variable or a derived table, and the one-source-row-per-target rule (8672).
CREATE DATABASE MergeDb;
GO
USE MergeDb;
CREATE TABLE dbo.State (ConvId INT PRIMARY KEY, Step INT NOT NULL, Note NVARCHAR(20) NULL);
INSERT INTO dbo.State VALUES (1, 1, N'one'), (2, 1, N'two'), (3, 5, N'three');
DECLARE @incoming TABLE (ConvId INT, Step INT);
INSERT INTO @incoming VALUES (1, 2), (2, 9), (4, 1);
MERGE INTO dbo.State AS s
USING @incoming AS i ON s.ConvId = i.ConvId
WHEN MATCHED AND i.Step >= 9 THEN DELETE
WHEN MATCHED THEN UPDATE SET Step = i.Step, Note = s.Note + N'+'
WHEN NOT MATCHED BY TARGET THEN INSERT (ConvId, Step, Note) VALUES (i.ConvId, i.Step, N'new')
OUTPUT inserted.ConvId AS ins_id, deleted.ConvId AS del_id, inserted.Step;
SELECT ConvId, Step, Note FROM dbo.State ORDER BY ConvId;
GO
-- NOT MATCHED BY SOURCE, and a derived-table source.
MERGE dbo.State AS s
USING (SELECT 1 AS ConvId, 7 AS Step) AS src ON s.ConvId = src.ConvId
WHEN MATCHED THEN UPDATE SET Step = src.Step
WHEN NOT MATCHED BY SOURCE AND s.Step < 5 THEN UPDATE SET Note = N'stale';
SELECT ConvId, Step, Note FROM dbo.State ORDER BY ConvId;
GO
-- Two source rows for one target row.
DECLARE @dups TABLE (ConvId INT, Step INT);
INSERT INTO @dups VALUES (1, 10), (1, 11);
MERGE dbo.State AS s USING @dups AS d ON s.ConvId = d.ConvId
WHEN MATCHED THEN UPDATE SET Step = d.Step;
GO
SELECT ConvId, Step FROM dbo.State WHERE ConvId = 1;
-- Key violations leave the table unchanged.
DECLARE @clash TABLE (ConvId INT);
INSERT INTO @clash VALUES (3);
MERGE dbo.State AS s USING @clash AS c ON s.ConvId = c.ConvId
WHEN MATCHED THEN UPDATE SET ConvId = 4;
GO
SELECT COUNT(*) AS rows_now FROM dbo.State;
GO
