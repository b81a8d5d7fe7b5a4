-- PRIMARY KEY violation 2627 and NOT NULL violation 515; the failing statement changes nothing.
CREATE DATABASE tce;
GO
USE tce;
GO
CREATE TABLE dbo.t (id INT PRIMARY KEY, name NVARCHAR(10) NOT NULL);
INSERT INTO dbo.t VALUES (1, N'a');
GO
INSERT INTO dbo.t VALUES (1, N'dup');
GO
INSERT INTO dbo.t (id) VALUES (2);
GO
INSERT INTO dbo.t VALUES (3, NULL);
GO
BEGIN TRY
    INSERT INTO dbo.t VALUES (4, N'x'), (1, N'y');
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number, ERROR_SEVERITY() AS severity, ERROR_STATE() AS state;
END CATCH
SELECT id, name FROM dbo.t ORDER BY id;
GO
