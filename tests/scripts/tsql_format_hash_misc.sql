-- FORMAT (numeric and date/time patterns, en-US), TRANSLATE, DATEDIFF_BIG, HASHBYTES.
SELECT FORMAT(1234567.891, 'N2') AS n2, FORMAT(1234.5, 'N0') AS n0, FORMAT(0.256, 'P1') AS p1, FORMAT(42, 'D5') AS d5,
       FORMAT(255, 'X4') AS x4, FORMAT(-1234.5, 'C') AS c, FORMAT(3.14159, '0.00') AS c2, FORMAT(1234.5, '#,##0.##') AS c3, FORMAT(7, '000') AS c4;
SELECT FORMAT(CAST('2024-03-05T14:07:09.123' AS DATETIME2), 'yyyy-MM-dd HH:mm:ss.fff') AS iso,
       FORMAT(CAST('2024-03-05T14:07:09' AS DATETIME), 'dddd, MMMM d, yyyy h:mm tt') AS longf,
       FORMAT(CAST('2024-03-05' AS DATE), 'd') AS short, FORMAT(CAST('2024-03-05' AS DATE), 'yyyyMMdd') AS compact, FORMAT(NULL, 'N2') AS nul;
SELECT TRANSLATE(N'2*[3+4]', N'[]', N'()') AS translated,
       DATEDIFF_BIG(millisecond, '2000-01-01', '2020-01-01') AS ms_big,
       HASHBYTES('SHA2_256', 'abc') AS sha256_of_varchar,
       CONVERT(VARCHAR(64), HASHBYTES('SHA1', N'abc'), 2) AS sha1_of_nvarchar_hex;
SELECT HASHBYTES('MD4', 'abc');
GO
SELECT TRANSLATE(N'abc', N'ab', N'x');
GO
