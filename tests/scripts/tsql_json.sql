-- JSON message bodies: ISJSON, JSON_VALUE, JSON_QUERY, JSON_MODIFY, OPENJSON (default
-- schema and WITH), STRING_SPLIT and FOR JSON PATH / AUTO.
DECLARE @body NVARCHAR(MAX) = N'{"order":{"id":7,"customer":"Ann","lines":[{"sku":"A","qty":2},{"sku":"B","qty":10}],"rush":true},"note":null}';
SELECT ISJSON(@body) AS valid, ISJSON(N'not json') AS invalid,
       JSON_VALUE(@body, '$.order.id') AS id, JSON_VALUE(@body, '$.order.customer') AS customer,
       JSON_VALUE(@body, '$.order.lines[1].sku') AS second_sku, JSON_VALUE(@body, '$.order.rush') AS rush,
       JSON_VALUE(@body, '$.order.lines') AS lines_is_not_scalar, JSON_VALUE(@body, '$.missing') AS missing;
SELECT JSON_QUERY(@body, '$.order.lines[0]') AS first_line, JSON_QUERY(@body, '$.order.id') AS id_is_not_object;
SELECT JSON_VALUE(@body, 'strict $.missing');
GO
DECLARE @body NVARCHAR(MAX) = N'{"order":{"id":7,"lines":[{"sku":"A","qty":2},{"sku":"B","qty":10}]}}';
SELECT sku, qty FROM OPENJSON(@body, '$.order.lines') WITH (sku NVARCHAR(10) '$.sku', qty INT '$.qty') AS l
WHERE qty > 5;
SELECT [key], value, type FROM OPENJSON(N'{"a":1,"b":"x","c":[1,2],"d":null,"e":true}');
SELECT [key], value FROM OPENJSON(N'["x","y"]');
SELECT JSON_MODIFY(N'{"a":1}', '$.b', N'two') AS added, JSON_MODIFY(N'{"a":1,"b":2}', '$.a', NULL) AS removed,
       JSON_MODIFY(N'{"t":[1]}', 'append $.t', 5) AS appended;
SELECT value FROM STRING_SPLIT(N'red,green,,blue', N',');
SELECT JSON_VALUE(N'{bad', '$.a');
GO
CREATE TABLE #lines (sku NVARCHAR(10), qty INT, note NVARCHAR(10));
INSERT INTO #lines VALUES (N'A', 2, NULL), (N'B', 10, N'rush');
SELECT sku AS [line.sku], qty AS [line.qty], note FROM #lines ORDER BY sku FOR JSON PATH;
SELECT sku, note FROM #lines ORDER BY sku FOR JSON PATH, ROOT('lines'), INCLUDE_NULL_VALUES;
SELECT TOP (1) sku, qty FROM #lines ORDER BY sku FOR JSON AUTO, WITHOUT_ARRAY_WRAPPER;
GO
