-- CREATE / ALTER / CREATE OR ALTER / DROP VIEW: the view is expanded where it is named, sees
-- current data, joins with tables, and appears in sys.objects, sys.views and
-- INFORMATION_SCHEMA.TABLES.
CREATE DATABASE ViewDb;
GO
USE ViewDb;
CREATE TABLE dbo.Messages (Id INT, Kind NVARCHAR(20), Body NVARCHAR(100));
INSERT INTO dbo.Messages VALUES (1, N'request', N'a'), (2, N'reply', N'b'), (3, N'request', N'c');
GO
CREATE VIEW dbo.Requests AS
    SELECT Id, Body FROM dbo.Messages WHERE Kind = N'request';
GO
SELECT Id, Body FROM dbo.Requests ORDER BY Id;
INSERT INTO dbo.Messages VALUES (4, N'request', N'd');
SELECT COUNT(*) AS requests_now FROM Requests;
SELECT r.Id, m.Kind FROM dbo.Requests AS r JOIN dbo.Messages AS m ON m.Id = r.Id ORDER BY r.Id;
GO
-- Column names from the column list.
CREATE VIEW dbo.Counted (Kind, N) AS SELECT Kind, COUNT(*) FROM dbo.Messages GROUP BY Kind;
GO
SELECT Kind, N FROM dbo.Counted ORDER BY Kind;
GO
CREATE VIEW dbo.Requests AS SELECT 1 AS x;
GO
CREATE VIEW dbo.Broken AS SELECT NoSuchColumn FROM dbo.Messages;
GO
CREATE VIEW dbo.TooMany (a, b, c) AS SELECT Id FROM dbo.Messages;
GO
ALTER VIEW dbo.Requests AS SELECT Id, Body, Kind FROM dbo.Messages WHERE Id > 2;
GO
SELECT Id, Kind FROM dbo.Requests ORDER BY Id;
GO
CREATE OR ALTER VIEW dbo.Latest AS SELECT TOP (1) Id FROM dbo.Messages ORDER BY Id DESC;
GO
SELECT Id FROM dbo.Latest;
SELECT name, type, type_desc FROM sys.objects WHERE type = 'V' ORDER BY name;
SELECT name FROM sys.views ORDER BY name;
SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES ORDER BY TABLE_NAME;
SELECT CASE WHEN OBJECT_ID('dbo.Latest') IS NOT NULL THEN 1 ELSE 0 END AS latest_exists;
DROP VIEW dbo.Latest;
DROP VIEW dbo.Latest;
GO
DROP VIEW IF EXISTS dbo.Latest;
SELECT COUNT(*) AS views_left FROM sys.views;
GO
