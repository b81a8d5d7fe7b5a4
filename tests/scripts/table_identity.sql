-- IDENTITY columns, @@IDENTITY and SCOPE_IDENTITY().
CREATE DATABASE tid;
GO
USE tid;
GO
CREATE TABLE dbo.log (id INT IDENTITY(100, 10) PRIMARY KEY, msg NVARCHAR(20));
INSERT INTO dbo.log (msg) VALUES (N'a');
INSERT INTO dbo.log (msg) VALUES (N'b');
SELECT @@IDENTITY AS at_identity, SCOPE_IDENTITY() AS scope_identity;
INSERT INTO dbo.log (msg) VALUES (N'c'), (N'd');
SELECT id, msg FROM dbo.log ORDER BY id;
GO
