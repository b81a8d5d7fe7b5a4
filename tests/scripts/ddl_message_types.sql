-- CREATE/ALTER/DROP MESSAGE TYPE: validation kinds, ids, duplicates.
CREATE DATABASE ddl_mt;
GO
USE ddl_mt;
GO
CREATE MESSAGE TYPE [//t/None];
CREATE MESSAGE TYPE [//t/Empty] VALIDATION = EMPTY;
CREATE MESSAGE TYPE [//t/Xml] VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE [//t/Bin] VALIDATION = NONE;
CREATE MESSAGE TYPE [A];
CREATE MESSAGE TYPE [a];
GO
SELECT name, validation, validation_desc, CASE WHEN message_type_id >= 65536 THEN 1 ELSE 0 END AS is_user, xml_collection_id
FROM sys.service_message_types
WHERE message_type_id >= 65536
ORDER BY name;
GO
ALTER MESSAGE TYPE [//t/None] VALIDATION = WELL_FORMED_XML;
GO
SELECT name, validation, validation_desc FROM sys.service_message_types WHERE name = N'//t/None';
GO
-- duplicate name
CREATE MESSAGE TYPE [//t/Xml];
GO
PRINT 'after duplicate';
DROP MESSAGE TYPE [//t/Bin];
SELECT COUNT(*) AS remaining FROM sys.service_message_types WHERE message_type_id >= 65536;
GO
-- unknown type
DROP MESSAGE TYPE [//t/Missing];
GO
