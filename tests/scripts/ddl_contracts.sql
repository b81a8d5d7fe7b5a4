-- CREATE CONTRACT: SENT BY flags, [DEFAULT] type, validation errors, DROP dependencies.
CREATE DATABASE ddl_ct;
GO
USE ddl_ct;
GO
CREATE MESSAGE TYPE m1;
CREATE MESSAGE TYPE m2;
CREATE MESSAGE TYPE m3;
GO
CREATE CONTRACT c1 (m1 SENT BY INITIATOR, m2 SENT BY TARGET, m3 SENT BY ANY);
CREATE CONTRACT c2 ([DEFAULT] SENT BY ANY);
GO
SELECT c.name AS contract, t.name AS message_type, u.is_sent_by_initiator, u.is_sent_by_target
FROM sys.service_contract_message_usages AS u
JOIN sys.service_contracts AS c ON c.service_contract_id = u.service_contract_id
JOIN sys.service_message_types AS t ON t.message_type_id = u.message_type_id
WHERE c.service_contract_id >= 65536
ORDER BY c.name, t.name;
GO
-- only TARGET types: 8492
CREATE CONTRACT bad1 (m2 SENT BY TARGET);
GO
-- duplicate type: 8403
CREATE CONTRACT bad2 (m1 SENT BY INITIATOR, m1 SENT BY TARGET);
GO
-- unknown type: 8428
CREATE CONTRACT bad3 (nosuch SENT BY INITIATOR);
GO
-- duplicate contract name
CREATE CONTRACT c1 (m1 SENT BY INITIATOR);
GO
-- message type in use by a contract cannot be dropped
DROP MESSAGE TYPE m1;
GO
SELECT COUNT(*) AS user_contracts FROM sys.service_contracts WHERE service_contract_id >= 65536;
GO
