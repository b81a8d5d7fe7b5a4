-- USE switches the database for the following batches; USE of a missing database fails (911); DROP DATABASE in use.
CREATE DATABASE tud1;
CREATE DATABASE tud2;
GO
USE tud1;
CREATE TABLE dbo.here (v INT);
GO
USE tud2;
SELECT DB_NAME() AS current_db;
SELECT * FROM tud1.dbo.here;
SELECT * FROM dbo.here;
GO
USE no_such_database;
GO
SELECT DB_NAME() AS still_tud2;
GO
CREATE DATABASE tud1;
GO
