-- XPath predicates activation procedures write: and / or / not(), comparisons (= != < <= >
-- >=, eq …), local-name(), sql:variable() compared by the variable's type; namespaces of
-- .nodes() rows; FOR XML … ELEMENTS [XSINIL].
DECLARE @x XML = N'<ns:Order xmlns:ns="urn:o" id="7"><ns:Line sku="A" qty="2"/><ns:Line sku="B" qty="10"/><Note>n</Note></ns:Order>';
WITH XMLNAMESPACES ('urn:o' AS ns)
SELECT L.c.value('@sku', 'nvarchar(10)') AS sku, L.c.value('@qty', 'int') AS qty
FROM @x.nodes('/ns:Order/ns:Line') AS L(c);
SELECT @x.exist('//*[local-name()="Line" and @qty > 5]') AS big_line,
       @x.exist('//*[local-name()="Line" and @qty > 50]') AS huge_line,
       @x.exist('//*[local-name()="Line" and (@sku = "Z" or @qty = 2)]') AS z_or_two,
       @x.exist('//*[local-name()="Line" and not(@sku)]') AS line_without_sku,
       @x.exist('/*/Note[. = "n"]') AS note_n;
-- qty="10" > qty="2" as numbers, not as strings.
SELECT @x.value('count(//*[@qty >= 3])', 'int') AS ge3;
GO
DECLARE @x XML = N'<o><l sku="A" qty="2"/><l sku="B" qty="10"/></o>';
DECLARE @min INT = 5, @sku NVARCHAR(5) = N'A';
SELECT @x.value('(/o/l[@qty > sql:variable("@min")]/@sku)[1]', 'nvarchar(5)') AS over_min,
       @x.value('(/o/l[@sku = sql:variable("@sku")]/@qty)[1]', 'int') AS qty_of_a,
       @x.value('(/o/l[@sku != "A"]/@sku)[1]', 'nvarchar(5)') AS not_a,
       @x.value('(/o/l[@qty le 2]/@sku)[1]', 'nvarchar(5)') AS le2;
SELECT 1 AS a, N'x' AS b FOR XML RAW('row'), ROOT('rows'), ELEMENTS;
SELECT 1 AS a, NULL AS b FOR XML RAW, ELEMENTS XSINIL;
SELECT 1 AS a, NULL AS b FOR XML PATH('r'), ROOT('x'), ELEMENTS XSINIL;
GO
