-- Built-in message types, contracts, services, queues and routes of a new database.
CREATE DATABASE ddl_builtin;
GO
USE ddl_builtin;
GO
SELECT message_type_id, name, validation, validation_desc
FROM sys.service_message_types ORDER BY message_type_id;
SELECT service_contract_id, name FROM sys.service_contracts ORDER BY service_contract_id;
SELECT service_contract_id, message_type_id, is_sent_by_initiator, is_sent_by_target
FROM sys.service_contract_message_usages ORDER BY service_contract_id, message_type_id;
SELECT service_id, name FROM sys.services ORDER BY service_id;
SELECT service_id, service_contract_id FROM sys.service_contract_usages ORDER BY service_id, service_contract_id;
SELECT name, is_ms_shipped, is_receive_enabled, is_enqueue_enabled, is_retention_enabled, is_activation_enabled
FROM sys.service_queues ORDER BY name;
SELECT name, route_id, remote_service_name, broker_instance, lifetime, address, mirror_address FROM sys.routes;
GO
-- built-ins are protected
DROP CONTRACT [DEFAULT];
GO
DROP MESSAGE TYPE [DEFAULT];
GO
SELECT COUNT(*) AS contracts FROM sys.service_contracts;
GO
