-- F-CAT-01..06: SELECT * column sets and types of the broker catalog views (empty results show
-- the metadata). F-CAT-12: cross-database catalog access (otherdb.sys.routes, master.sys.endpoints).
CREATE DATABASE cv;
GO
USE cv;
GO
SELECT * FROM sys.service_message_types WHERE 1 = 0;
SELECT * FROM sys.service_contracts WHERE 1 = 0;
SELECT * FROM sys.service_contract_message_usages WHERE 1 = 0;
SELECT * FROM sys.services WHERE 1 = 0;
SELECT * FROM sys.service_contract_usages WHERE 1 = 0;
SELECT * FROM sys.service_queue_usages WHERE 1 = 0;
SELECT * FROM sys.service_queues WHERE 1 = 0;
SELECT * FROM sys.conversation_endpoints WHERE 1 = 0;
SELECT * FROM sys.conversation_groups WHERE 1 = 0;
SELECT * FROM sys.transmission_queue WHERE 1 = 0;
SELECT * FROM sys.routes WHERE 1 = 0;
SELECT * FROM sys.remote_service_bindings WHERE 1 = 0;
SELECT * FROM sys.conversation_priorities WHERE 1 = 0;
GO
CREATE DATABASE other;
GO
USE other;
CREATE ROUTE r_other WITH SERVICE_NAME = 'x', ADDRESS = 'TCP://h:4022';
GO
USE cv;
SELECT name, address FROM other.sys.routes ORDER BY name;
SELECT name, address FROM sys.routes ORDER BY name;
SELECT COUNT(*) AS broker_endpoints FROM master.sys.endpoints WHERE type_desc = 'SERVICE_BROKER';
GO
