-- CAST/CONVERT among int, decimal, strings, varbinary, uniqueidentifier, bit, xml; datetime styles 120/121.
CREATE DATABASE tcc;
GO
USE tcc;
GO
SELECT CAST('123' AS INT) AS str_to_int, CAST(12.7 AS INT) AS dec_to_int, CAST(5 AS DECIMAL(5, 2)) AS int_to_dec,
       CAST(1 AS BIT) AS to_bit, CAST(N'abc' AS VARCHAR(2)) AS truncated, CONVERT(VARCHAR(10), 42) AS int_to_str;
SELECT CAST(N'AB' AS VARBINARY(MAX)) AS nvarchar_bytes, CAST('AB' AS VARBINARY(MAX)) AS varchar_bytes,
       CAST(0x41004200 AS NVARCHAR(10)) AS bytes_to_nvarchar, CONVERT(NVARCHAR(MAX), 0x480069) AS converted;
SELECT CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS UNIQUEIDENTIFIER) AS guid,
       CAST(CAST('6f9619ff-8b86-d011-b42d-00c04fc964ff' AS UNIQUEIDENTIFIER) AS NVARCHAR(36)) AS guid_text;
DECLARE @d DATETIME = '2024-03-05 14:07:09.123';
SELECT CONVERT(VARCHAR(19), @d, 120) AS style_120, CONVERT(VARCHAR(23), @d, 121) AS style_121,
       CONVERT(VARCHAR(30), CAST('2024-12-31T23:59:59' AS DATETIME2), 121) AS datetime2_121,
       CAST('2024-01-02' AS DATE) AS just_date;
SELECT CAST(N'<a><b>1</b></a>' AS XML) AS xml_value, CAST(CAST(N'<x/>' AS XML) AS NVARCHAR(MAX)) AS xml_text;
SELECT CONVERT(INT, '0042') AS leading_zeros, CAST(NULL AS INT) AS null_cast, TRY_CAST('x' AS INT) AS try_cast_fails;
GO
SELECT CAST('not a number' AS INT);
GO
SELECT CAST('not-a-guid' AS UNIQUEIDENTIFIER);
GO
SELECT CAST(N'<unclosed>' AS XML);
GO
