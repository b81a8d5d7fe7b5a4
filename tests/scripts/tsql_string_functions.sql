-- String functions: LEN, DATALENGTH, SUBSTRING, LEFT/RIGHT, UPPER/LOWER, LTRIM/RTRIM, REPLACE, CHARINDEX, REPLICATE, REVERSE, LIKE.
CREATE DATABASE tsf;
GO
USE tsf;
GO
DECLARE @s NVARCHAR(50) = N'  Service Broker  ';
SELECT LEN(@s) AS len_ignores_trailing, DATALENGTH(@s) AS bytes, LTRIM(RTRIM(@s)) AS trimmed,
       UPPER(@s) AS upper_s, LOWER(N'ABC') AS lower_s;
SELECT SUBSTRING(N'abcdef', 2, 3) AS substring_bcd, LEFT(N'abcdef', 2) AS left_ab, RIGHT(N'abcdef', 2) AS right_ef,
       REPLACE(N'a-b-c', N'-', N'+') AS replaced, CHARINDEX(N'c', N'abcabc') AS charindex_3,
       CHARINDEX(N'c', N'abcabc', 4) AS charindex_from_4, REPLICATE(N'ab', 3) AS replicated, REVERSE(N'abc') AS reversed;
SELECT CASE WHEN N'Broker' LIKE N'B%r' THEN 1 ELSE 0 END AS like_pct,
       CASE WHEN N'abc' LIKE N'_b_' THEN 1 ELSE 0 END AS like_underscore,
       CASE WHEN N'abc' LIKE N'[a-b]bc' THEN 1 ELSE 0 END AS like_range,
       CASE WHEN N'ABC' = N'abc' THEN 1 ELSE 0 END AS case_insensitive_equal,
       CASE WHEN N'abc ' = N'abc' THEN 1 ELSE 0 END AS trailing_spaces_ignored;
SELECT N'con' + N'cat' AS plus_concat, CONCAT(N'x', 1, N'y') AS concat_fn, STR(12.5, 6, 1) AS str_fn,
       QUOTENAME(N'a]b') AS quotename, ASCII('A') AS ascii_a, CHAR(66) AS char_66, UNICODE(N'é') AS unicode_e;
GO
