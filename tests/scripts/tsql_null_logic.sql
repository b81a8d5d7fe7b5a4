-- NULL semantics: comparisons, IS NULL, ISNULL/COALESCE/NULLIF, concatenation, three-valued logic, CASE, IIF.
CREATE DATABASE tnl;
GO
USE tnl;
GO
DECLARE @n INT;
SELECT CASE WHEN @n = NULL THEN 'equal' ELSE 'not true' END AS eq_null,
       CASE WHEN @n IS NULL THEN 'is null' END AS is_null,
       ISNULL(@n, 5) AS isnull_5, COALESCE(NULL, @n, 7, 8) AS coalesce_7, NULLIF(3, 3) AS nullif_same, NULLIF(3, 4) AS nullif_diff;
SELECT 'a' + NULL AS concat_null, CONCAT('a', NULL, 'b') AS concat_fn, @n + 1 AS arithmetic_null;
SELECT CASE WHEN NOT (@n = 1) THEN 'true' ELSE 'not true' END AS not_unknown,
       CASE WHEN @n = 1 OR 1 = 1 THEN 'true' ELSE 'not true' END AS unknown_or_true,
       CASE WHEN @n = 1 AND 1 = 0 THEN 'true' ELSE 'not true' END AS unknown_and_false;
SELECT IIF(@n IS NULL, 'yes', 'no') AS iif_result,
       CASE @n WHEN 1 THEN 'one' ELSE 'other' END AS simple_case_null;
GO
