CREATE DATABASE x1;
GO
USE x1;
GO
CREATE XML SCHEMA COLLECTION OrderSchema AS N'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:orders" xmlns="urn:orders" elementFormDefault="qualified">
  <xs:element name="order"><xs:complexType><xs:sequence><xs:element name="qty" type="xs:int"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>';
GO
CREATE MESSAGE TYPE [//x/Order] VALIDATION = VALID_XML WITH SCHEMA COLLECTION OrderSchema;
CREATE MESSAGE TYPE [//x/Bad] VALIDATION = VALID_XML WITH SCHEMA COLLECTION NoSuch;
GO
SELECT name, validation, validation_desc, xml_collection_id FROM sys.service_message_types WHERE message_type_id >= 65536;
CREATE CONTRACT [//x/C] ([//x/Order] SENT BY INITIATOR);
CREATE QUEUE qi; CREATE QUEUE qt;
CREATE SERVICE si ON QUEUE qi; CREATE SERVICE st ON QUEUE qt ([//x/C]);
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 'st' ON CONTRACT [//x/C] WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Order] (N'<order xmlns="urn:orders"><qty>3</qty></order>');
SEND ON CONVERSATION @h MESSAGE TYPE [//x/Order] (N'<order xmlns="urn:orders"><qty>many</qty></order>');
GO
SELECT CAST(message_body AS NVARCHAR(MAX)) AS body, message_type_name FROM qt;
DECLARE @x XML;
SELECT @x = CAST(message_body AS XML) FROM qi;
SELECT @x.value('declare namespace e="http://schemas.microsoft.com/SQL/ServiceBroker/Error"; (/e:Error/e:Code)[1]', 'int') AS code;
GO
DROP XML SCHEMA COLLECTION OrderSchema;
GO
