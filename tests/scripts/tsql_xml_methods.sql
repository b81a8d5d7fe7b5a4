DECLARE @x XML = N'<CreditCardRequest><Holder>Klaus</Holder><Number>1234</Number><Amount>12.50</Amount></CreditCardRequest>';
SELECT @x.value('/CreditCardRequest[1]/Number[1]', 'nvarchar(20)') AS num,
       @x.value('(/CreditCardRequest/Amount)[1]', 'decimal(10,2)') AS amt,
       @x.value('(//Holder)[1]', 'nvarchar(50)') AS holder,
       @x.exist('/CreditCardRequest/Holder') AS has_holder,
       @x.query('/CreditCardRequest/Holder') AS q;
DECLARE @o XML = N'<orders><order id="1"><qty>3</qty></order><order id="2"><qty>5</qty></order></orders>';
SELECT T.c.value('@id', 'int') AS id, T.c.value('(qty)[1]', 'int') AS qty, T.c.value('.', 'nvarchar(10)') AS txt
FROM @o.nodes('/orders/order') AS T(c);
DECLARE @want INT = 2;
SELECT @o.value('(/orders/order[@id=sql:variable("@want")]/qty)[1]', 'int') AS qty2;
WITH XMLNAMESPACES (DEFAULT 'urn:x')
SELECT CAST(N'<a xmlns="urn:x"><b>7</b></a>' AS XML).value('(/a/b)[1]', 'int') AS ns_default;
SELECT CAST(N'<p:a xmlns:p="urn:p"><p:b>8</p:b></p:a>' AS XML).value('declare namespace p="urn:p"; (/p:a/p:b)[1]', 'int') AS ns_prefix;
SELECT @o.value('count(/orders/order)', 'int') AS cnt, @o.value('local-name((/orders/*)[1])', 'nvarchar(20)') AS ln;
